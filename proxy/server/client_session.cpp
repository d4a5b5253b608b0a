#include "proxy/server/client_session.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"
#include "proxy/http/header_rewrite.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/policy/responses.hpp"
#include "proxy/server/client_connection.hpp"
#include "proxy/server/client_group.hpp"
#include "proxy/server/http_gatekeeper.hpp"
#include "proxy/server/request_target.hpp"
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
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::size_t kLingerBytes = 256 * 1024;

rules::IpBytes to_ip_bytes(const asio::ip::address& a) {
  if (a.is_v4()) return rules::IpBytes::from_v4(a.to_v4().to_uint());
  rules::IpBytes ip;
  const auto b = a.to_v6().to_bytes();
  std::copy(b.begin(), b.end(), ip.bytes.begin());
  return ip;
}

/// What the client's address decides, once: whether it may use the proxy at all, and its group.
/// The address itself goes no further than this function.
struct Admission {
  bool allowed = false;
  ClientGroup group;
};

Admission admit(const WorkerContext& w, const tcp::socket& s) {
  Admission a;
  boost::system::error_code ec;
  const auto peer = s.remote_endpoint(ec);
  if (ec) return a;
  const auto ip = to_ip_bytes(peer.address());
  const auto& nets = w.config.client_networks;
  a.allowed = std::any_of(nets.begin(), nets.end(),
                          [&](const rules::Cidr& n) { return n.contains(ip); });
  if (a.allowed) a.group = ClientGroup(w.rules.get(), ip);
  return a;
}

/// Closes after an error response without losing it: a close with unread input would send a
/// reset that can destroy the response in flight, so stop sending, then read and discard for a
/// short, bounded time.
asio::awaitable<void> lingering_close(ClientConnection& c) {
  boost::system::error_code ec;
  c.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  c.stream.expires_after(kLingerTime);
  char sink[4096];
  std::size_t drained = 0;
  while (drained < kLingerBytes) {
    auto [rec, n] = co_await c.stream.async_read_some(asio::buffer(sink), kTuple);
    if (rec) break;
    drained += n;
  }
  c.stream.close();
}

asio::awaitable<void> refuse(WorkerContext& w, ClientConnection& c, ProxyError e,
                             unsigned version) {
  auto res = http::make_error_response(e, {}, version, false);
  c.stream.expires_after(w.config.timeouts.body_idle);
  co_await bhttp::async_write(c.stream, res, kTuple);
  co_await lingering_close(c);
}

/// 414 when the request line alone is longer than the URL limit, else 431.
ProxyError classify_oversized_head(const beast::flat_buffer& buffer, std::uint32_t max_url) {
  const auto data = buffer.data();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  const auto eol = text.find("\r\n");
  const auto line = eol == std::string_view::npos ? text.size() : eol;
  return line > max_url ? ProxyError::uri_too_long : ProxyError::header_too_large;
}

std::size_t field_bytes(const bhttp::fields& f) {
  std::size_t n = 0;
  for (const auto& field : f) n += field.name_string().size() + field.value().size() + 4;
  return n;
}

/// Framing checks Beast leaves to us: RFC 9112 §6.1 and §6.3 (no request smuggling).
bool framing_ok(const http::RequestParser& p) {
  const auto& req = p.get();
  const bool has_te = req.find(bhttp::field::transfer_encoding) != req.end();
  if (!has_te) return true;
  if (req.version() < 11) return false;  // HTTP/1.0 has no Transfer-Encoding
  return p.chunked();                    // chunked must be the final coding
}

/// Waits for the first byte of the next request; false when the client went away or idled out.
asio::awaitable<bool> wait_for_request(WorkerContext& w, ClientConnection& c, SessionHandle& h,
                                       bool first) {
  if (c.buffer.size() > 0) co_return true;
  if (!first) c.buffer.shrink_to_fit();  // idle keep-alive connections hold no buffer memory
  h.idle = true;
  c.stream.expires_after(first ? w.config.timeouts.request_head : w.config.timeouts.client_idle);
  auto [ec, n] = co_await c.stream.async_read_some(c.buffer.prepare(4096), kTuple);
  h.idle = false;
  if (ec) co_return false;
  c.buffer.commit(n);
  co_return true;
}

enum class Step { next, stop };

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
  if (verdict.decision.action == rules::Action::block) {
    bump(w.metrics.decisions_block);
    auto res = policy::blocked_connect_response(*rules, verdict.decision, version);
    c.stream.expires_after(w.config.timeouts.body_idle);
    co_await bhttp::async_write(c.stream, res, kTuple);
    co_await lingering_close(c);
    co_return;
  }
  bump(verdict.decision.action == rules::Action::safe_search ? w.metrics.decisions_safe_search
                                                             : w.metrics.decisions_allow);
  const tunnel::ConnectTarget upstream{verdict.connect_host, target->port};
  const tunnel::SniCheck sni_allowed = [&](std::string_view sni) {
    if (sni.empty() || sni == verdict.host) return true;  // same name: already decided
    const auto again = policy::judge_connect(*rules, gid, target->host, target->port, sni,
                                             s.clock->now());
    return again.decision.action != rules::Action::block;
  };
  co_await tunnel::run_connect_tunnel(w, c, upstream, version, sni_allowed);
}

asio::awaitable<Step> handle_request(WorkerContext& w, ClientConnection& c, bool allowed,
                                     ClientGroup& group) {
  const auto& limits = w.config.limits;
  http::RequestParser parser;
  parser.header_limit(limits.max_header_bytes + limits.max_url_length);
  parser.body_limit(boost::none);
  c.stream.expires_after(w.config.timeouts.request_head);
  auto [ec, n] = co_await bhttp::async_read_header(c.stream, c.buffer, parser, kTuple);
  if (ec) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
      co_return Step::stop;
    if (ec == beast::error::timeout) {
      bump(w.metrics.requests_head_timeout);
      co_return Step::stop;
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      const auto e = classify_oversized_head(c.buffer, limits.max_url_length);
      bump(e == ProxyError::uri_too_long ? w.metrics.requests_uri_too_long
                                         : w.metrics.requests_header_too_large);
      co_await refuse(w, c, e, 11);
    } else {
      bump(ec == bhttp::error::bad_transfer_encoding || ec == bhttp::error::bad_content_length ||
                   ec == bhttp::error::multiple_content_length
               ? w.metrics.requests_smuggling_refused
               : w.metrics.requests_bad);
      co_await refuse(w, c, ProxyError::bad_request, 11);
    }
    co_return Step::stop;
  }
  bump(w.metrics.requests);
  auto& req = parser.get();
  const unsigned version = req.version();
  if (!allowed) {
    bump(w.metrics.connections_refused_network);
    co_await refuse(w, c, ProxyError::forbidden_client, version);
    co_return Step::stop;
  }
  if (req.target().size() > limits.max_url_length) {
    bump(w.metrics.requests_uri_too_long);
    co_await refuse(w, c, ProxyError::uri_too_long, version);
    co_return Step::stop;
  }
  if (field_bytes(req) > limits.max_header_bytes) {
    bump(w.metrics.requests_header_too_large);
    co_await refuse(w, c, ProxyError::header_too_large, version);
    co_return Step::stop;
  }
  if (!framing_ok(parser)) {
    bump(w.metrics.requests_smuggling_refused);
    co_await refuse(w, c, ProxyError::bad_request, version);
    co_return Step::stop;
  }
  if (http::via_names(req, w.config.via_pseudonym)) {
    bump(w.metrics.requests_loop_refused);
    co_await refuse(w, c, ProxyError::loop_detected, version);
    co_return Step::stop;
  }
  if (req.method() == bhttp::verb::connect) {
    co_await handle_connect(w, c, parser, group);
    co_return Step::stop;
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

/// Keeps the worker's view of this session right however the coroutine ends.
class SessionScope {
 public:
  SessionScope(WorkerContext& w, tcp::socket& s) : w_(w) {
    w_.sessions.push_front(SessionHandle{&s, true});
    handle_ = w_.sessions.begin();
    w_.metrics.active_connections.fetch_add(1, std::memory_order_relaxed);
  }
  ~SessionScope() {
    w_.sessions.erase(handle_);
    w_.metrics.active_connections.fetch_sub(1, std::memory_order_relaxed);
    w_.open_connections.fetch_sub(1, std::memory_order_relaxed);
  }
  SessionScope(const SessionScope&) = delete;
  SessionScope& operator=(const SessionScope&) = delete;
  SessionHandle& handle() { return *handle_; }

 private:
  WorkerContext& w_;
  std::list<SessionHandle>::iterator handle_;
};

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
