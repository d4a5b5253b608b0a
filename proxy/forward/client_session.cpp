#include "proxy/forward/client_session.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "proxy/http/error_response.hpp"
#include "proxy/http/header_rewrite.hpp"
#include "proxy/http/request_target.hpp"
#include "proxy/inspect/inspect_connect.hpp"
#include "proxy/net/lingering_close.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/policy/pac.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/pipeline.hpp"
#include "proxy/session/plain_kind.hpp"
#include "proxy/session/portal.hpp"
#include "proxy/session/record.hpp"
#include "proxy/session/session_support.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/tunnel/connect_tunnel.hpp"
#include "proxy/upstream/forward_http.hpp"
#include "rules/cidr.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using http::ProxyError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// Browsers fetch the proxy auto-config from the proxy itself (http://gateway:3128/proxy.pac).
asio::awaitable<session::Next> serve_pac(WorkerContext& w, ClientConnection& c,
                                         const http::RequestParser& parser) {
  bhttp::response<bhttp::string_body> res{bhttp::status::ok, parser.get().version()};
  res.set(bhttp::field::server, "edugate");
  res.set(bhttp::field::content_type, policy::kPacContentType);
  res.set(bhttp::field::cache_control, "max-age=300");
  res.body() = w.services.pac;
  const bool keep = parser.keep_alive() && parser.is_done() && !w.draining;
  res.keep_alive(keep);
  res.prepare_payload();
  if (parser.get().method() == bhttp::verb::head) res.body().clear();
  return session::answer(w, c, std::move(res), keep);
}

/// CONNECT: port allowed → decision on the host → tunnel (with a second decision on the SNI).
asio::awaitable<void> handle_connect(WorkerContext& w, ClientConnection& c,
                                     const http::RequestParser& parser, ClientGroup& group) {
  const auto version = parser.get().version();
  bump(w.metrics.connect_requests);
  auto target = http::parse_connect_target(parser.get().target());
  if (!target) {
    bump(w.metrics.requests_bad);
    co_await refuse(w, c, ProxyError::bad_request, version);
    co_return;
  }
  const auto& ports = w.config.connect_ports;
  if (std::find(ports.begin(), ports.end(), target->port) == ports.end()) {
    bump(w.metrics.connect_port_refused);
    co_await refuse(w, c, ProxyError::forbidden_port, version);
    co_return;
  }
  const auto rules = w.rules;  // this tunnel's snapshot, whatever reloads happen meanwhile
  if (!rules) {
    co_await tunnel::run_connect_tunnel(w, c, *target, version, {});
    co_return;
  }
  const auto gid = group.in(*rules);
  const auto& s = w.services;
  auto verdict =
      policy::judge_connect(*rules, gid, target->host, target->port, {}, s.clock->now(),
                            w.overrides.grants(s.overrides.get(), *rules, s.clock->now()));
  // Counted once per tunnel: here when the host is blocked, else at the SNI check below (a
  // tunnel whose upstream cannot be reached is not counted).
  auto count = [&](const policy::ConnectVerdict& v, std::string_view name) {
    session::record_decision(w, *rules, gid, group, v.decision, v.at, name);
  };
  // HTTPS inspection (proxy/inspect) takes the tunnel over when the group asks for it; it
  // leaves the classic path below to exempt hosts and groups without inspection.
  if (w.inspector) {
    if (co_await inspect::inspect_connect(w, c, {*target, version, *rules, gid, group, verdict}))
      co_return;
  }
  if (verdict.decision.action == rules::Action::block) {
    count(verdict, verdict.host);
    bump(w.metrics.decisions_block);
    auto res = policy::blocked_connect_response(*rules, verdict.decision, version);
    c.stream.expires_after(w.config.timeouts.body_idle);
    co_await bhttp::async_write(c.stream, res, kTuple);
    co_await net::lingering_close(c.stream);
    co_return;
  }
  bump(passed_counter(w.metrics, verdict.decision.action));
  const tunnel::ConnectTarget upstream{verdict.connect_host, target->port};
  const tunnel::SniCheck sni_allowed = [&](std::string_view sni) {
    if (sni.empty() || sni == verdict.host) {  // same name: already decided
      count(verdict, verdict.host);
      return true;
    }
    const auto again =
        policy::judge_connect(*rules, gid, target->host, target->port, sni, s.clock->now(),
                              w.overrides.grants(s.overrides.get(), *rules, s.clock->now()));
    if (again.decision.action != rules::Action::block) {
      // Host and SNI decided together: a monitored SNI is counted as would_block.
      count(again.decision.action == rules::Action::would_block ? again : verdict, verdict.host);
      return true;
    }
    count(again, sni);
    return false;
  };
  co_await tunnel::run_connect_tunnel(w, c, upstream, version, sni_allowed);
}

/// The forward proxy's connections: the client names the target in absolute form, asks for
/// tunnels with CONNECT and fetches the PAC file from the proxy itself.
class ForwardKind : public session::PlainKind {
 public:
  using PlainKind::PlainKind;

  std::optional<session::Refusal> admit() const {
    if (admission_.allowed) return std::nullopt;
    return session::Refusal{ProxyError::forbidden_client, &w_.metrics.connections_refused_network};
  }
  asio::awaitable<session::Targeted> target(http::RequestParser& parser) {
    const auto& req = parser.get();
    if (req.method() == bhttp::verb::connect) {
      co_await handle_connect(w_, c_, parser, admission_.group);
      co_return session::Next::stop;
    }
    if (req.target() == "/proxy.pac" || req.target() == "/wpad.dat")
      co_return co_await serve_pac(w_, c_, parser);
    auto target = http::parse_absolute_target(req.target());
    if (const auto* e = std::get_if<ProxyError>(&target)) {
      co_return session::Refusal{*e, *e == ProxyError::not_a_proxy_request
                                         ? &w_.metrics.requests_not_proxy
                                         : &w_.metrics.requests_bad};
    }
    co_return std::get<http::ForwardTarget>(std::move(target));
  }
  asio::awaitable<http::AfterExchange> forward(http::RequestParser& parser,
                                               http::ForwardTarget& target) {
    return http::forward_http(w_, c_, parser, target);
  }
};

}  // namespace

asio::awaitable<void> serve_client(WorkerContext& w, tcp::socket socket, rules::IpBytes client) {
  bump(w.metrics.connections_accepted);
  auto admission = admit(w, client);
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  ClientConnection c(beast::tcp_stream(std::move(socket)),
                     w.config.limits.max_header_bytes + w.config.limits.max_url_length + 4096);
  SessionScope scope(w, c.stream.socket());
  ForwardKind kind(w, c, admission, scope);
  co_await session::serve_requests(w, kind);
}

}  // namespace edugate::proxy::server
