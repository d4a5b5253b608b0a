#include "proxy/server/session_support.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>

#include "proxy/http/request_checks.hpp"
#include "proxy/net/lingering_close.hpp"
#include "proxy/server/client_connection.hpp"
#include "rules/local_time.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using asio::ip::tcp;
using http::ProxyError;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// 414 when the URL is what made the head too big, else 431. Beast may already have consumed a
/// parsed start line from the buffer, so ask the parser first.
ProxyError classify_oversized_head(const http::RequestParser& parser,
                                   const beast::flat_buffer& buffer, std::uint32_t max_url) {
  const auto target = parser.get().target();
  if (!target.empty())
    return target.size() > max_url ? ProxyError::uri_too_long : ProxyError::header_too_large;
  const auto data = buffer.data();
  const std::string_view text(static_cast<const char*>(data.data()), data.size());
  const auto eol = text.find("\r\n");
  const auto line = eol == std::string_view::npos ? text.size() : eol;
  return line > max_url ? ProxyError::uri_too_long : ProxyError::header_too_large;
}

}  // namespace

Admission admit(const WorkerContext& w, const tcp::socket& s) {
  Admission a;
  boost::system::error_code ec;
  const auto peer = s.remote_endpoint(ec);
  if (ec) return a;
  const auto ip = to_ip_bytes(peer.address());
  const auto& nets = w.config.client_networks;
  a.allowed = std::any_of(nets.begin(), nets.end(),
                          [&](const rules::Cidr& n) { return n.contains(ip); });
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



asio::awaitable<bool> read_request_head(WorkerContext& w, ClientConnection& c,
                                        http::RequestParser& parser) {
  const auto& limits = w.config.limits;
  parser.header_limit(limits.max_header_bytes + limits.max_url_length);
  parser.body_limit(boost::none);
  c.stream.expires_after(w.config.timeouts.request_head);
  auto [ec, n] = co_await bhttp::async_read_header(c.stream, c.buffer, parser, kTuple);
  if (!ec) {
    bump(w.metrics.requests);
    co_return true;
  }
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
    co_return false;
  if (ec == beast::error::timeout) {
    bump(w.metrics.requests_head_timeout);
    co_return false;
  }
  if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
    const auto e = classify_oversized_head(parser, c.buffer, limits.max_url_length);
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
  co_return false;
}

asio::awaitable<bool> check_request_head(WorkerContext& w, ClientConnection& c,
                                         const http::RequestParser& parser) {
  const auto& limits = w.config.limits;
  const auto e = http::check_request_head(
      parser, {limits.max_url_length, limits.max_header_bytes, limits.max_header_fields},
      w.config.via_pseudonym);
  if (!e) co_return true;
  switch (*e) {
    case ProxyError::uri_too_long: bump(w.metrics.requests_uri_too_long); break;
    case ProxyError::header_too_large: bump(w.metrics.requests_header_too_large); break;
    case ProxyError::loop_detected: bump(w.metrics.requests_loop_refused); break;
    default: bump(w.metrics.requests_smuggling_refused); break;
  }
  co_await refuse(w, c, *e, parser.get().version());
  co_return false;
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
