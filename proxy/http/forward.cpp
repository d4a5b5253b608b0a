#include "proxy/http/forward.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "proxy/http/body_relay.hpp"
#include "proxy/http/error_response.hpp"
#include "proxy/http/header_rewrite.hpp"
#include "proxy/net/byte_relay.hpp"
#include "proxy/net/upstream_connect.hpp"
#include "proxy/server/client_connection.hpp"
#include "proxy/server/worker_context.hpp"

namespace edugate::proxy::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
using ResponseParser = bhttp::response_parser<bhttp::buffer_body>;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxResponseHeader = 64 * 1024;
constexpr std::size_t kResponseReadAhead = 16 * 1024;

/// Rewrites the client's request head in place into what goes upstream.
struct RequestShape {
  bool client_keep_alive = true;
  bool websocket = false;
  bool expect_continue = false;
  unsigned client_version = 11;
};

RequestShape shape_request(RequestParser& parser, const ForwardTarget& target,
                           const std::string& via) {
  auto& req = parser.get();
  RequestShape shape;
  shape.client_keep_alive = parser.keep_alive();
  shape.client_version = req.version();
  shape.websocket = is_websocket_upgrade(req);
  const bool has_body = !parser.is_done();
  if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
    req.erase(bhttp::field::expect);
    shape.expect_continue = has_body && req.version() >= 11;
  }
  strip_hop_by_hop(req, /*keep_websocket_upgrade=*/true);
  add_via(req, req.version(), via);
  req.target(target.origin_form);
  req.set(bhttp::field::host, target.authority);
  req.version(11);
  return shape;
}

asio::awaitable<void> send_error(server::ClientConnection& client, ProxyError e,
                                 std::string_view detail, unsigned version, bool keep_alive,
                                 std::chrono::milliseconds timeout) {
  auto res = make_error_response(e, detail, version, keep_alive);
  client.stream.expires_after(timeout);
  co_await bhttp::async_write(client.stream, res, kTuple);
}

/// Writes a header-only message (a 1xx) to `to`.
asio::awaitable<boost::system::error_code> write_interim(beast::tcp_stream& to,
                                                         ResponseParser& parser,
                                                         std::chrono::milliseconds timeout) {
  auto& res = parser.get();
  strip_hop_by_hop(res, false);
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  to.expires_after(timeout);
  auto [ec, n] = co_await bhttp::async_write(to, sr, kTuple);
  co_return ec;
}

/// Turns the upstream response head into what the client gets. Returns whether the client
/// connection can stay open afterwards.
bool shape_response(ResponseParser& parser, const RequestShape& req, const std::string& via,
                    bool draining) {
  auto& res = parser.get();
  const bool close_delimited = parser.need_eof();
  strip_hop_by_hop(res, false);
  add_via(res, res.version(), via);
  bool keep = req.client_keep_alive && !draining;
  if (req.client_version < 11) {
    // HTTP/1.0 clients cannot read chunked bodies: send the body raw and close to end it.
    res.version(10);
    if (res.chunked()) {
      res.chunked(false);
      keep = false;
    }
    if (close_delimited) keep = false;
  } else {
    res.version(11);
    if (close_delimited) res.chunked(true);  // re-frame so the client connection survives
  }
  res.keep_alive(keep);
  return keep;
}

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

/// Completes once the request has been sent, or the origin has begun to answer (an early
/// response to an upload must not wait for the upload).
class UploadDone {
 public:
  explicit UploadDone(asio::any_io_executor ex) : timer_(ex) {
    timer_.expires_at(asio::steady_timer::time_point::max());
  }
  void set() {
    done_ = true;
    timer_.cancel();
  }
  asio::awaitable<void> wait_or_readable(net::UpstreamConnection& up) {
    using namespace asio::experimental::awaitable_operators;
    if (done_ || up.buffer.size() > 0) co_return;
    co_await (timer_.async_wait(kTuple) ||
              up.stream.socket().async_wait(asio::ip::tcp::socket::wait_read, kTuple));
  }

 private:
  asio::steady_timer timer_;
  bool done_ = false;
};

/// Reads the response head (passing 1xx on to the client), then streams the response to the
/// client. Runs while the request body may still be uploading.
asio::awaitable<void> download(server::WorkerContext& w, server::ClientConnection& client,
                               net::UpstreamConnection& up, bool head_request,
                               const RequestShape& shape, UploadDone& upload_done,
                               std::span<char> buf, Download& out) {
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
    up.stream.expires_after(t.upstream_response);
    auto [ec, n] = co_await bhttp::async_read_header(up.stream, up.buffer, *out.response, kTuple);
    if (ec) {
      const bool timeout = ec == beast::error::timeout;
      bump(timeout ? w.metrics.upstream_response_timeouts : w.metrics.upstream_bad_response);
      out.error = timeout ? ProxyError::response_timeout : ProxyError::bad_upstream;
      out.response.reset();
      co_return;
    }
    const auto status = out.response->get().result_int();
    if (status == 101) {
      out.upgrade = true;
      co_return;
    }
    if (status >= 200) break;
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
  auto relayed =
      co_await relay_message<false>(up.stream, up.buffer, response, client.stream, buf, t.body_idle);
  out.complete = relayed.ok();
  out.client_failed = static_cast<bool>(relayed.write_error);
}

asio::awaitable<RelayOutcome> upload(server::WorkerContext& w, server::ClientConnection& client,
                                     RequestParser& parser, net::UpstreamConnection& up,
                                     UploadDone& done, std::span<char> buf) {
  auto sent = co_await relay_message<true>(client.stream, client.buffer, parser, up.stream, buf,
                                           w.config.timeouts.body_idle);
  done.set();
  co_return sent;
}

struct Exchange {
  std::unique_ptr<net::UpstreamConnection> conn;
  RelayOutcome sent;
  Download got;
  ProxyError connect_error = ProxyError::connect_failed;
};

/// One try: the request goes up while the response comes down (full duplex: an origin may
/// answer before it has read the whole upload, as a streaming echo does).
asio::awaitable<void> exchange_once(server::WorkerContext& w, server::ClientConnection& client,
                                    RequestParser& parser, const RequestShape& shape,
                                    std::span<char> up_buf, std::span<char> down_buf,
                                    Exchange& ex) {
  using namespace asio::experimental::awaitable_operators;
  UploadDone done(client.stream.get_executor());
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
asio::awaitable<bool> send_continue(server::WorkerContext& w, server::ClientConnection& client) {
  static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
  client.stream.expires_after(w.config.timeouts.body_idle);
  auto [ec, n] = co_await asio::async_write(
      client.stream, asio::buffer(kContinue, sizeof kContinue - 1), kTuple);
  co_return !ec;
}

/// Connects (a pooled connection first) and runs the exchange. A pooled connection that turns
/// out dead before any response byte is replaced once, when the request carries no body (so
/// nothing is lost by sending it again).
asio::awaitable<void> exchange(server::WorkerContext& w, server::ClientConnection& client,
                               RequestParser& parser, const ForwardTarget& target,
                               const RequestShape& shape, std::span<char> up_buf,
                               std::span<char> down_buf, Exchange& ex) {
  const bool bodyless = parser.is_done();
  const auto& host = target.connect_host.empty() ? target.host : target.connect_host;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // (No co_await inside ?: — GCC 12 miscompiles that.)
    net::ConnectResult connected;
    if (attempt == 0)
      connected = co_await net::acquire_upstream(w, host, target.port, /*check_alive=*/!bodyless);
    else
      connected = co_await net::connect_upstream(w, host, target.port);
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
    const bool dead_pooled = ex.conn->reused && bodyless && !ex.got.started &&
                             !ex.got.upgrade && !ex.sent.read_error &&
                             (ex.sent.write_error || ex.got.error == ProxyError::bad_upstream) &&
                             !ex.got.response;
    if (attempt == 0 && dead_pooled) {
      bump(w.metrics.upstream_retried);
      continue;
    }
    co_return;
  }
}

asio::awaitable<AfterExchange> relay_websocket(server::WorkerContext& w,
                                               server::ClientConnection& client,
                                               net::UpstreamConnection& up,
                                               ResponseParser& response) {
  auto& t = w.config.timeouts;
  auto& res = response.get();
  strip_hop_by_hop(res, /*keep_websocket_upgrade=*/true);
  res.body().data = nullptr;
  res.body().size = 0;
  res.body().more = false;
  bhttp::response_serializer<bhttp::buffer_body> sr{res};
  client.stream.expires_after(t.body_idle);
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
  client.stream.expires_never();
  up.stream.expires_never();
  bump(w.metrics.websocket_upgrades);
  w.metrics.active_tunnels.fetch_add(1, std::memory_order_relaxed);
  auto down = w.buffers.take();
  auto upb = w.buffers.take();
  co_await net::relay_bytes(client.stream.socket(), up.stream.socket(), upb.span(), down.span(),
                            t.tunnel_idle);
  w.metrics.active_tunnels.fetch_sub(1, std::memory_order_relaxed);
  co_return AfterExchange::close;
}

}  // namespace

asio::awaitable<AfterExchange> forward_http(server::WorkerContext& w,
                                            server::ClientConnection& client,
                                            RequestParser& parser, const ForwardTarget& target) {
  const auto shape = shape_request(parser, target, w.config.via_pseudonym);
  const bool bodyless = parser.is_done();
  auto down_lease = w.buffers.take();
  // A second buffer only when a body goes up at the same time as the response comes down.
  std::optional<net::BufferPool::Lease> up_lease;
  if (!bodyless) up_lease.emplace(w.buffers.take());
  const auto up_buf = up_lease ? up_lease->span() : std::span<char>{};
  Exchange ex;
  co_await exchange(w, client, parser, target, shape, up_buf, down_lease.span(), ex);
  const bool request_read = bodyless || ex.sent.complete;
  if (ex.sent.read_error || ex.got.client_failed) co_return AfterExchange::close;
  if (!ex.conn || (!ex.got.started && !ex.got.upgrade)) {
    // Nothing of a response reached the client: explain. If the request body was not read
    // completely, the framing of the client connection is lost, so it closes.
    const auto error = ex.conn ? ex.got.error : ex.connect_error;
    const bool keep = shape.client_keep_alive && request_read && !w.draining;
    co_await send_error(client, error, target.host, shape.client_version, keep,
                        w.config.timeouts.body_idle);
    co_return keep ? AfterExchange::keep_alive : AfterExchange::close;
  }
  if (ex.got.upgrade) {
    if (!shape.websocket || !request_read) co_return AfterExchange::close;
    co_return co_await relay_websocket(w, client, *ex.conn, *ex.got.response);
  }
  if (!ex.got.complete) co_return AfterExchange::close;
  if (ex.got.upstream_keep && ex.sent.complete)
    w.pool.give_back(std::move(ex.conn), std::chrono::steady_clock::now());
  co_return ex.got.client_keep && request_read ? AfterExchange::keep_alive : AfterExchange::close;
}

}  // namespace edugate::proxy::http
