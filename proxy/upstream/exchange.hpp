#pragma once

// One HTTP/1.1 exchange relayed between a client connection and an upstream connection, written
// once for any pair of stream types: plain TCP (forward.cpp) and TLS on both sides (inspected
// HTTPS, proxy/inspect). Included only by the .cpp files that relay: it pulls in Beast's HTTP.
//
// A `Client` has members `stream` (an AsyncStream whose lowest layer is a beast::tcp_stream) and
// `buffer` (a beast::flat_buffer). A `Connector` opens, reuses and returns upstream connections:
//   using Upstream = ...;  // members stream, buffer, reused
//   awaitable<Acquired<Upstream>> acquire(std::string_view host, uint16_t port);  // pooled or new
//   awaitable<Acquired<Upstream>> connect(std::string_view host, uint16_t port);
//   void give_back(std::unique_ptr<Upstream>);
//   ErrorPage error_page(ProxyError, std::string_view host, unsigned version, bool keep_alive);
//   awaitable<AfterExchange> relay_upgraded(Client&, Upstream&);  // after a 101 was passed on

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "proxy/http/body_relay.hpp"
#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"
#include "proxy/http/header_rewrite.hpp"
#include "proxy/http/message_shape.hpp"
#include "proxy/net/lingering_close.hpp"
#include "proxy/session/worker_context.hpp"

namespace edugate::proxy::http::exchange {

namespace asio = boost::asio;
namespace beast = boost::beast;
using ErrorPage = bhttp::response<bhttp::string_body>;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// True for an error of Beast's HTTP parser (the bytes broke the message's syntax), as opposed
/// to the connection failing or timing out.
inline bool is_parse_error(const boost::system::error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}
inline constexpr std::uint32_t kMaxResponseHeader = 64 * 1024;
inline constexpr std::size_t kResponseReadAhead = 16 * 1024;

/// The TCP stream under any stream (itself for a plain one): deadlines are set there.
template <class Stream>
beast::tcp_stream& tcp_of(Stream& s) {
  return beast::get_lowest_layer(s);
}

/// What a Connector hands out: a connection, or why there is none.
template <class Upstream>
struct Acquired {
  std::unique_ptr<Upstream> connection;  ///< null on failure
  ProxyError error = ProxyError::connect_failed;
};

/// What the response side of one exchange did.
struct Download {
  void reset() {
    response.reset();
    error = ProxyError::bad_upstream;
    started = complete = upgrade = upstream_keep = client_keep = client_failed = false;
  }
  std::optional<ResponseParser> response;
  ProxyError error = ProxyError::bad_upstream;
  bool started = false;        ///< response bytes were written to the client
  bool complete = false;       ///< the response went through entirely
  bool upgrade = false;        ///< 101 Switching Protocols: the caller relays the WebSocket
  bool upstream_keep = false;  ///< the origin will keep the connection open
  bool client_keep = false;    ///< the client connection may carry another request
  bool client_failed = false;  ///< writing to the client failed
};

/// Writes a header-only message (a 1xx) to `to`.
template <class Stream>
asio::awaitable<boost::system::error_code> write_interim(Stream& to, ResponseParser& parser,
                                                         std::chrono::milliseconds timeout) {
  auto& res = parser.get();
  strip_hop_by_hop(res, false);
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  tcp_of(to).expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(to, sr, kTuple);
  co_return ec;
}

/// Completes once the request has been sent, or the origin has begun to answer (an early
/// response to an upload must not wait for the upload).
class UploadDone {
 public:
  void set() {
    done_ = true;
    if (timer_) timer_->cancel();
  }
  template <class Upstream>
  asio::awaitable<void> wait_or_readable(Upstream& up) {
    using namespace asio::experimental::awaitable_operators;
    if (done_ || up.buffer.size() > 0) co_return;
    // Only an upload still going needs the timer (most requests have no body: no timer).
    timer_.emplace(up.stream.get_executor(), asio::steady_timer::time_point::max());
    co_await (timer_->async_wait(kTuple) ||
              tcp_of(up.stream).socket().async_wait(asio::ip::tcp::socket::wait_read, kTuple));
  }

 private:
  std::optional<asio::steady_timer> timer_;
  bool done_ = false;
};

/// Reads the response head (passing 1xx on to the client), then streams the response to the
/// client. Runs while the request body may still be uploading.
template <class Client, class Upstream>
asio::awaitable<void> download(server::WorkerContext& w, Client& client, Upstream& up,
                               bool head_request, const RequestShape& shape,
                               UploadDone& upload_done, std::span<char> buf, Download& out) {
  const auto& t = w.config.timeouts;
  co_await upload_done.wait_or_readable(up);
  // Read the head with room for a small body behind it: one read, then head and body leave in
  // one write.
  if (up.buffer.capacity() < kResponseReadAhead) up.buffer.reserve(kResponseReadAhead);
  for (;;) {
    out.response.emplace();
    out.response->header_limit(kMaxResponseHeader);
    out.response->body_limit(boost::none);
    if (head_request) out.response->skip(true);
    tcp_of(up.stream).expires_after(t.upstream_response);
    auto [ec, n] = co_await bhttp::async_read_header(up.stream, up.buffer, *out.response, kTuple);
    if (ec) {
      const bool timeout = ec == beast::error::timeout;
      // (A timeout closes the socket too.) Closed without one: the upload closed it, the
      // client's body having broken its framing; no fault of the origin's.
      if (timeout)
        bump(w.metrics.upstream_response_timeouts);
      else if (tcp_of(up.stream).socket().is_open())
        bump(w.metrics.upstream_bad_response);
      out.error = timeout ? ProxyError::response_timeout : ProxyError::bad_upstream;
      out.response.reset();
      co_return;
    }
    const auto status = out.response->get().result_int();
    if (status == 101) {
      out.upgrade = true;
      co_return;
    }
    if (status >= 200) {
      // Both framings at once (Beast refuses chunked + Content-Length, not e.g. gzip +
      // Content-Length): ambiguous, a response-splitting attempt; never passed on (RFC 9112
      // 6.3).
      const auto& h = out.response->get();
      if (h.count(bhttp::field::transfer_encoding) > 0 &&
          h.count(bhttp::field::content_length) > 0) {
        bump(w.metrics.upstream_bad_response);
        out.error = ProxyError::bad_upstream;
        out.response.reset();
        co_return;
      }
      break;
    }
    bump(w.metrics.responses_1xx_forwarded);
    if (status == 100 && shape.expect_continue) continue;  // we already said 100 ourselves
    out.started = true;
    if (co_await write_interim(client.stream, *out.response, t.body_idle)) {
      out.client_failed = true;
      co_return;
    }
  }
  auto& response = *out.response;
  out.upstream_keep = response.keep_alive();
  out.client_keep = shape_response(response, shape, w.config.via_pseudonym, w.draining);
  out.started = true;
  auto relayed = co_await relay_message<false>(up.stream, up.buffer, response, client.stream, buf,
                                               t.body_idle);
  out.complete = relayed.ok();
  out.client_failed = static_cast<bool>(relayed.write_error);
}

template <class Client, class Upstream>
asio::awaitable<RelayOutcome> upload(server::WorkerContext& w, Client& client,
                                     RequestParser& parser, Upstream& up, UploadDone& done,
                                     std::span<char> buf) {
  auto sent = co_await relay_message<true>(client.stream, client.buffer, parser, up.stream, buf,
                                           w.config.timeouts.body_idle);
  done.set();
  if (sent.read_error) {
    // The request body broke its own framing (a malformed chunk) or the client went away in
    // the middle of it: the origin must not get the rest, nor wait for it. Closing the upstream
    // connection leaves it an incomplete message and ends the download waiting for an answer.
    boost::system::error_code ignored;
    tcp_of(up.stream).socket().close(ignored);
  }
  co_return sent;
}

template <class Upstream>
struct Exchange {
  std::unique_ptr<Upstream> conn;
  RelayOutcome sent;
  Download got;
  ProxyError connect_error = ProxyError::connect_failed;
};

/// One try: the request goes up while the response comes down (full duplex: an origin may
/// answer before it has read the whole upload, as a streaming echo does).
template <class Client, class Upstream>
asio::awaitable<void> exchange_once(server::WorkerContext& w, Client& client, RequestParser& parser,
                                    const RequestShape& shape, std::span<char> up_buf,
                                    std::span<char> down_buf, Exchange<Upstream>& ex) {
  using namespace asio::experimental::awaitable_operators;
  UploadDone done;
  const bool head = parser.get().method() == bhttp::verb::head;
  if (parser.is_done()) {
    // No body: the head goes up in one write, then the response comes down. (Most requests:
    // no second coroutine, no readiness wait.)
    ex.sent = co_await upload(w, client, parser, *ex.conn, done, up_buf);
    if (ex.sent.ok()) co_await download(w, client, *ex.conn, head, shape, done, down_buf, ex.got);
    co_return;
  }
  ex.sent = co_await (upload(w, client, parser, *ex.conn, done, up_buf) &&
                      download(w, client, *ex.conn, head, shape, done, down_buf, ex.got));
}

/// Sends the 100 Continue edugate promises when the client asked for it.
template <class Client>
asio::awaitable<bool> send_continue(server::WorkerContext& w, Client& client) {
  static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
  tcp_of(client.stream).expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await asio::async_write(client.stream,
                                            asio::buffer(kContinue, sizeof kContinue - 1), kTuple);
  co_return !ec;
}

/// True for the methods a request may be sent again with, when a pooled connection died under
/// it before any response byte: the safe ones (RFC 9110 9.2.1). Even the idempotent PUT and
/// DELETE are not retried: an origin may have acted on the first copy.
inline bool may_retry(bhttp::verb method) {
  using bhttp::verb;
  return method == verb::get || method == verb::head || method == verb::options ||
         method == verb::trace;
}

/// Connects (a pooled connection first) and runs the exchange. A pooled connection that turns
/// out dead before any response byte is replaced once, when the request carries no body and its
/// method is safe (so nothing is lost or done twice by sending it again).
template <class Client, class Connector>
asio::awaitable<void> exchange(server::WorkerContext& w, Client& client, RequestParser& parser,
                               const ForwardTarget& target, const RequestShape& shape,
                               std::span<char> up_buf, std::span<char> down_buf,
                               Connector& connector, Exchange<typename Connector::Upstream>& ex) {
  const bool retryable = parser.is_done() && may_retry(parser.get().method());
  const auto& host = target.connect_host.empty() ? target.host : target.connect_host;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // (No co_await inside ?: — GCC 12 miscompiles that.)
    Acquired<typename Connector::Upstream> connected;
    if (attempt == 0)
      connected = co_await connector.acquire(host, target.port);
    else
      connected = co_await connector.connect(host, target.port);
    if (!connected.connection) {
      ex.connect_error = connected.error;
      co_return;
    }
    ex.conn = std::move(connected.connection);
    if (attempt == 0 && shape.expect_continue && !co_await send_continue(w, client)) {
      ex.got.client_failed = true;
      co_return;
    }
    ex.got.reset();
    ex.sent = {};
    co_await exchange_once(w, client, parser, shape, up_buf, down_buf, ex);
    const bool dead_pooled =
        ex.conn->reused && retryable && !ex.got.started && !ex.got.upgrade && !ex.sent.read_error &&
        (ex.sent.write_error || ex.got.error == ProxyError::bad_upstream) && !ex.got.response;
    if (attempt == 0 && dead_pooled) {
      bump(w.metrics.upstream_retried);
      continue;
    }
    co_return;
  }
}

/// Passes the 101 head and any bytes read ahead on each side, then lets the connector relay
/// the new protocol.
template <class Client, class Connector>
asio::awaitable<AfterExchange> pass_upgrade(server::WorkerContext& w, Client& client,
                                            typename Connector::Upstream& up,
                                            ResponseParser& response, Connector& connector) {
  auto& t = w.config.timeouts;
  auto& res = response.get();
  strip_hop_by_hop(res, /*keep_websocket_upgrade=*/true);
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  tcp_of(client.stream).expires_after(t.body_idle);
  if (auto [ec, n] = co_await bhttp::async_write(client.stream, sr, kTuple); ec)
    co_return AfterExchange::close;
  // Bytes each side sent right behind its head belong to the new protocol.
  if (up.buffer.size() > 0) {
    auto [ec, n] = co_await asio::async_write(client.stream, up.buffer.data(), kTuple);
    if (ec) co_return AfterExchange::close;
    up.buffer.consume(n);
  }
  if (client.buffer.size() > 0) {
    auto [ec, n] = co_await asio::async_write(up.stream, client.buffer.data(), kTuple);
    if (ec) co_return AfterExchange::close;
    client.buffer.consume(n);
  }
  tcp_of(client.stream).expires_never();
  tcp_of(up.stream).expires_never();
  bump(w.metrics.websocket_upgrades);
  w.metrics.active_tunnels.fetch_add(1, std::memory_order_relaxed);
  const auto after = co_await connector.relay_upgraded(client, up);
  w.metrics.active_tunnels.fetch_sub(1, std::memory_order_relaxed);
  co_return after;
}

/// forward_http() for any client and connector: see forward_http.hpp for the contract. The
/// connector is moved into the coroutine frame (no second frame for a wrapper).
template <class Client, class Connector>
asio::awaitable<AfterExchange> forward_with(server::WorkerContext& w, Client& client,
                                            RequestParser& parser, const ForwardTarget& target,
                                            Connector connector) {
  const auto shape = shape_request(parser, target, w.config.via_pseudonym);
  const bool bodyless = parser.is_done();
  auto down_lease = w.buffers.take();
  // A second buffer only when a body goes up at the same time as the response comes down.
  std::optional<net::BufferPool::Lease> up_lease;
  if (!bodyless) up_lease.emplace(w.buffers.take());
  const auto up_buf = up_lease ? up_lease->span() : std::span<char>{};
  Exchange<typename Connector::Upstream> ex;
  co_await exchange(w, client, parser, target, shape, up_buf, down_lease.span(), connector, ex);
  const bool request_read = bodyless || ex.sent.complete;
  if (ex.sent.read_error && is_parse_error(ex.sent.read_error) && !ex.got.started) {
    // Malformed body framing: 400 and close (the origin's connection is already closed).
    bump(w.metrics.requests_bad);
    auto res = make_error_response(ProxyError::bad_request, {}, shape.client_version, false);
    tcp_of(client.stream).expires_after(w.config.timeouts.body_idle);
    auto [ec, n] = co_await bhttp::async_write(client.stream, res, kTuple);
    // The rest of the upload is still arriving: closing now would reset the 400 away.
    if (!ec) co_await net::lingering_close(tcp_of(client.stream));
    co_return AfterExchange::close;
  }
  if (ex.sent.read_error || ex.got.client_failed) co_return AfterExchange::close;
  if (!ex.conn || (!ex.got.started && !ex.got.upgrade)) {
    // Nothing of a response reached the client: explain. If the request body was not read
    // completely, the framing of the client connection is lost, so it closes.
    const auto error = ex.conn ? ex.got.error : ex.connect_error;
    const bool keep = shape.client_keep_alive && request_read && !w.draining;
    auto res = connector.error_page(error, target.host, shape.client_version, keep);
    tcp_of(client.stream).expires_after(w.config.timeouts.body_idle);
    co_await bhttp::async_write(client.stream, res, kTuple);
    co_return keep ? AfterExchange::keep_alive : AfterExchange::close;
  }
  if (ex.got.upgrade) {
    if (!shape.websocket || !request_read) co_return AfterExchange::close;
    co_return co_await pass_upgrade(w, client, *ex.conn, *ex.got.response, connector);
  }
  if (!ex.got.complete) co_return AfterExchange::close;
  if (ex.got.upstream_keep && ex.sent.complete) connector.give_back(std::move(ex.conn));
  co_return ex.got.client_keep&& request_read ? AfterExchange::keep_alive : AfterExchange::close;
}

}  // namespace edugate::proxy::http::exchange
