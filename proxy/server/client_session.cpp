#include "proxy/server/client_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"
#include "proxy/http/header_rewrite.hpp"
#include "proxy/inspect/inspect_connect.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/policy/pac.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/server/client_connection.hpp"
#include "proxy/server/client_group.hpp"
#include "proxy/server/http_gatekeeper.hpp"
#include "proxy/server/request_target.hpp"
#include "proxy/net/lingering_close.hpp"
#include "proxy/server/session_support.hpp"
#include "proxy/server/worker_context.hpp"
#include "proxy/tunnel/connect_tunnel.hpp"
#include "rules/cidr.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using http::ProxyError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
enum class Step { next, stop };

/// Browsers fetch the proxy auto-config from the proxy itself (http://gateway:3128/proxy.pac).
asio::awaitable<bool> serve_pac(WorkerContext& w, ClientConnection& c,
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
  c.stream.expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await bhttp::async_write(c.stream, res, kTuple);
  co_return !ec && keep;
}

/// CONNECT: port allowed → decision on the host → tunnel (with a second decision on the SNI).
asio::awaitable<void> handle_connect(WorkerContext& w, ClientConnection& c,
                                     const http::RequestParser& parser, ClientGroup& group) {
  const auto version = parser.get().version();
  bump(w.metrics.connect_requests);
  auto target = parse_connect_target(parser.get().target());
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
  auto verdict = policy::judge_connect(*rules, gid, target->host, target->port, {}, s.clock->now());
  // Counted once per tunnel: here when the host is blocked, else at the SNI check below (a
  // tunnel whose upstream cannot be reached is not counted).
  auto count = [&](const policy::ConnectVerdict& v, std::string_view name) {
    if (w.recorder)
      w.recorder->count(v.decision, gid, reporting::HourBucket::from(v.at),
                        policy::counted_domain(*rules, v.decision, name),
                        group.device(v.at.day));
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
  bump(verdict.decision.action == rules::Action::safe_search ? w.metrics.decisions_safe_search
                                                             : w.metrics.decisions_allow);
  const tunnel::ConnectTarget upstream{verdict.connect_host, target->port};
  const tunnel::SniCheck sni_allowed = [&](std::string_view sni) {
    if (sni.empty() || sni == verdict.host) {  // same name: already decided
      count(verdict, verdict.host);
      return true;
    }
    const auto again = policy::judge_connect(*rules, gid, target->host, target->port, sni,
                                             s.clock->now());
    if (again.decision.action != rules::Action::block) {
      count(verdict, verdict.host);
      return true;
    }
    count(again, sni);
    return false;
  };
  co_await tunnel::run_connect_tunnel(w, c, upstream, version, sni_allowed);
}

asio::awaitable<Step> handle_request(WorkerContext& w, ClientConnection& c, bool allowed,
                                     ClientGroup& group) {
  http::RequestParser parser;
  if (!co_await read_request_head(w, c, parser)) co_return Step::stop;
  auto& req = parser.get();
  const unsigned version = req.version();
  if (!allowed) {
    bump(w.metrics.connections_refused_network);
    co_await refuse(w, c, ProxyError::forbidden_client, version);
    co_return Step::stop;
  }
  if (!co_await check_request_head(w, c, parser)) co_return Step::stop;
  if (req.method() == bhttp::verb::connect) {
    co_await handle_connect(w, c, parser, group);
    co_return Step::stop;
  }
  if (req.target() == "/proxy.pac" || req.target() == "/wpad.dat") {
    co_return co_await serve_pac(w, c, parser) ? Step::next : Step::stop;
  }
  auto target = parse_absolute_target(req.target());
  if (auto* e = std::get_if<ProxyError>(&target)) {
    bump(*e == ProxyError::not_a_proxy_request ? w.metrics.requests_not_proxy
                                               : w.metrics.requests_bad);
    co_await refuse(w, c, *e, version);
    co_return Step::stop;
  }
  auto& forward = std::get<http::ForwardTarget>(target);
  if (const auto rules = w.rules) {  // this request's snapshot
    const auto step = co_await gatekeep_http(w, c, parser, forward, *rules, group);
    if (step == GateStep::answered_close) co_return Step::stop;
    if (step == GateStep::answered_keep_alive) co_return w.draining ? Step::stop : Step::next;
  }
  const auto after = co_await http::forward_http(w, c, parser, forward);
  co_return after == http::AfterExchange::keep_alive && !w.draining ? Step::next : Step::stop;
}

}  // namespace

asio::awaitable<void> serve_client(WorkerContext& w, tcp::socket socket) {
  bump(w.metrics.connections_accepted);
  auto admission = admit(w, socket);
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  ClientConnection c(beast::tcp_stream(std::move(socket)),
                     w.config.limits.max_header_bytes + w.config.limits.max_url_length + 4096);
  SessionScope scope(w, c.stream.socket());
  for (bool first = true; !w.draining || first; first = false) {
    if (!co_await wait_for_request(w, c, scope.handle(), first)) break;
    if (co_await handle_request(w, c, admission.allowed, admission.group) == Step::stop) break;
  }
}

}  // namespace edugate::proxy::server
