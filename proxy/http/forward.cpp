#include "proxy/http/forward.hpp"

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

struct UpstreamExchange {
  std::unique_ptr<net::UpstreamConnection> conn;
  std::optional<ResponseParser> response;
  ProxyError error = ProxyError::bad_upstream;
  bool request_body_started = false;
  bool request_complete = false;  ///< the client's request, body included, was read entirely
  bool client_read_failed = false;
};

/// Sends the request (head and streamed body) and reads the response head, passing 1xx on.
/// A pooled connection that turns out dead before any response byte is replaced once, when the
/// request carries no body (so nothing is lost by sending it again).
asio::awaitable<void> exchange(server::WorkerContext& w, server::ClientConnection& client,
                               RequestParser& parser, const ForwardTarget& target,
                               const RequestShape& shape, std::span<char> buf,
                               UpstreamExchange& ex) {
  const auto& t = w.config.timeouts;
  const bool bodyless = parser.is_done();
  for (int attempt = 0; attempt < 2; ++attempt) {
    // (No co_await inside ?: — GCC 12 miscompiles that.)
    net::ConnectResult connected;
    if (attempt == 0)
      connected = co_await net::acquire_upstream(w, target.host, target.port);
    else
      connected = co_await net::connect_upstream(w, target.host, target.port);
    if (!connected.connection) {
      ex.error = connected.error;
      co_return;
    }
    ex.conn = std::move(connected.connection);
    if (shape.expect_continue && !ex.request_body_started) {
      static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      client.stream.expires_after(t.body_idle);
      auto [ec, n] = co_await asio::async_write(client.stream,
                                                asio::buffer(kContinue, sizeof kContinue - 1),
                                                kTuple);
      if (ec) {
        ex.client_read_failed = true;
        co_return;
      }
    }
    ex.request_body_started = !bodyless;
    auto sent = co_await relay_message<true>(client.stream, client.buffer, parser,
                                             ex.conn->stream, buf, t.body_idle);
    if (sent.read_error) {
      ex.client_read_failed = true;
      co_return;
    }
    ex.request_complete = sent.complete;
    const bool retryable = ex.conn->reused && bodyless && attempt == 0;
    if (sent.write_error) {
      if (retryable) {
        bump(w.metrics.upstream_retried);
        continue;
      }
      ex.error = ProxyError::bad_upstream;
      co_return;
    }
    for (;;) {
      ex.response.emplace();
      ex.response->header_limit(kMaxResponseHeader);
      ex.response->body_limit(boost::none);
      if (parser.get().method() == bhttp::verb::head) ex.response->skip(true);
      ex.conn->stream.expires_after(t.upstream_response);
      auto [ec, n] =
          co_await bhttp::async_read_header(ex.conn->stream, ex.conn->buffer, *ex.response, kTuple);
      if (ec) {
        if (ec == beast::error::timeout) {
          bump(w.metrics.upstream_response_timeouts);
          ex.error = ProxyError::response_timeout;
        } else {
          bump(w.metrics.upstream_bad_response);
          ex.error = ProxyError::bad_upstream;
        }
        ex.response.reset();
        break;
      }
      const auto status = ex.response->get().result_int();
      if (status < 100 || status >= 200 || status == 101) co_return;
      bump(w.metrics.responses_1xx_forwarded);
      if (status == 100 && shape.expect_continue) continue;  // we already said 100 ourselves
      if (auto wec = co_await write_interim(client.stream, *ex.response, t.body_idle)) {
        ex.client_read_failed = true;
        ex.response.reset();
        co_return;
      }
    }
    if (!(ex.conn->reused && bodyless && attempt == 0 &&
          ex.error == ProxyError::bad_upstream)) {
      co_return;
    }
    bump(w.metrics.upstream_retried);
  }
  co_return;
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
  auto lease = w.buffers.take();
  UpstreamExchange ex;
  co_await exchange(w, client, parser, target, shape, lease.span(), ex);
  if (ex.client_read_failed) co_return AfterExchange::close;
  if (!ex.response) {
    // Nothing reached the client yet: explain. If the request body was not read completely the
    // framing of the client connection is lost, so it closes.
    const bool keep = shape.client_keep_alive && (parser.is_done() || ex.request_complete) &&
                      !w.draining;
    co_await send_error(client, ex.error, target.host, shape.client_version, keep,
                        w.config.timeouts.body_idle);
    co_return keep ? AfterExchange::keep_alive : AfterExchange::close;
  }
  auto& response = *ex.response;
  if (response.get().result_int() == 101) {
    if (!shape.websocket) co_return AfterExchange::close;
    co_return co_await relay_websocket(w, client, *ex.conn, response);
  }
  const bool upstream_keep = response.keep_alive();
  const bool client_keep = shape_response(response, shape, w.config.via_pseudonym, w.draining);
  auto relayed = co_await relay_message<false>(ex.conn->stream, ex.conn->buffer, response,
                                               client.stream, lease.span(),
                                               w.config.timeouts.body_idle);
  if (!relayed.ok()) co_return AfterExchange::close;
  if (upstream_keep)
    w.pool.give_back(std::move(ex.conn), std::chrono::steady_clock::now());
  co_return client_keep ? AfterExchange::keep_alive : AfterExchange::close;
}

}  // namespace edugate::proxy::http
