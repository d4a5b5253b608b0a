#include "proxy/session/session_support.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include "proxy/net/lingering_close.hpp"
#include "proxy/session/client_connection.hpp"
#include "rules/local_time.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using http::ProxyError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

Admission admit(const WorkerContext& w, const rules::IpBytes& ip) {
  Admission a;
  const auto& nets = w.config.client_networks;
  a.allowed =
      std::any_of(nets.begin(), nets.end(), [&](const rules::Cidr& n) { return n.contains(ip); });
  if (!a.allowed) return a;
  reporting::LocalDay day = 0;
  auto today = reporting::kNoDevice, tomorrow = reporting::kNoDevice;
  if (w.keyring && w.rules) {
    day = rules::to_local_time(*w.rules, w.services.clock->now()).day;
    today = reporting::device_key(*w.keyring, ip.bytes, day);
    tomorrow = reporting::device_key(*w.keyring, ip.bytes, day + 1);
  }
  a.group = ClientGroup(w.rules.get(), ip, day, today, tomorrow);
  return a;
}

asio::awaitable<void> refuse(WorkerContext& w, ClientConnection& c, ProxyError e,
                             unsigned version) {
  auto res = http::make_error_response(e, {}, version, false);
  c.stream.expires_after(w.config.timeouts.body_idle);
  co_await bhttp::async_write(c.stream, res, kTuple);
  co_await net::lingering_close(c.stream);
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

SessionScope::SessionScope(WorkerContext& w, tcp::socket& s) : w_(w) {
  w_.sessions.push_front(SessionHandle{&s, true});
  handle_ = w_.sessions.begin();
  w_.metrics.active_connections.fetch_add(1, std::memory_order_relaxed);
}

SessionScope::~SessionScope() {
  w_.sessions.erase(handle_);
  w_.metrics.active_connections.fetch_sub(1, std::memory_order_relaxed);
  w_.open_connections.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace edugate::proxy::server
