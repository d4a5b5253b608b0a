#include "tests/integration/origin/session.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/ssl.hpp>

#include "tests/integration/origin/http_io.hpp"
#include "tests/integration/origin/json.hpp"
#include "tests/integration/origin/route.hpp"
#include "tests/integration/origin/websocket_echo.hpp"

namespace edugate::itest {
namespace {

using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kMaxRequestsPerConnection = 100'000;
constexpr auto kIdleTimeout = std::chrono::seconds(120);
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(2);

ExtraFields request_fields(const http::fields& fields) {
  ExtraFields out;
  for (const auto& f : fields) out.emplace_back(f.name_string(), f.value());
  return out;
}

bool matches_v1(std::string_view if_none_match) {
  return if_none_match.find("\"v1\"") != std::string_view::npos || if_none_match == "*";
}

template <class Stream>
asio::awaitable<bool> send_etag(Stream& stream, const Exchange& ex, std::string_view inm) {
  const ExtraFields etag{{"ETag", "\"v1\""}};
  if (matches_v1(inm)) co_return co_await send_text(stream, ex, 304, "", etag);
  co_return co_await send_text(stream, ex, 200, "etag v1\n", etag);
}

template <class Stream>
asio::awaitable<bool> send_slow(Stream& stream, const Exchange& ex, std::uint64_t ms) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::milliseconds(ms));
  co_await timer.async_wait(kAwait);
  co_return co_await send_text(stream, ex, 200, "slow " + std::to_string(ms) + "\n");
}

template <class Stream>
asio::awaitable<bool> send_sink_report(Stream& stream, beast::flat_buffer& buffer,
                                       RequestParser& parser, const Exchange& ex) {
  Sha256 hash;
  const auto length = co_await consume_body(stream, buffer, parser, &hash);
  if (!length) co_return false;
  const std::string digest = hash.hex_digest();
  const std::string json =
      "{\"length\":" + std::to_string(*length) + ",\"sha256\":\"" + digest + "\"}\n";
  // Named, not braced inside the co_await: GCC 12 rejects the latter ("array used as init").
  const ExtraFields fields{{"X-Body-Length", std::to_string(*length)}, {"X-Body-Sha256", digest}};
  co_return co_await send_text(stream, ex, 200, json, fields);
}

/// A misbehaving origin: answers "first\n", then `ms` later (at once, in the same write, for 0)
/// sends a second response nobody asked for, and goes on serving the connection. A proxy that
/// pools such a connection hands the stray response to the next client.
template <class Stream>
asio::awaitable<bool> send_stray(Stream& stream, const Exchange& ex, std::uint64_t ms) {
  const std::string first = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nfirst\n";
  const std::string stray = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\nSTRAY-SECRET\n";
  arm(stream);
  if (ms == 0) {
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(first + stray), kAwait);
    co_return !ec && ex.keep_alive;
  }
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(first), kAwait);
  if (ec) co_return false;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(std::chrono::milliseconds(ms));
  co_await timer.async_wait(kAwait);
  arm(stream);
  std::tie(ec, n) = co_await asio::async_write(stream, asio::buffer(stray), kAwait);
  co_return !ec && ex.keep_alive;
}

/// Answers one request whose head has been read. The body, if any, is read here too.
template <class Stream>
asio::awaitable<bool> respond(Stream& stream, beast::flat_buffer& buffer, RequestParser& parser,
                              const Exchange& ex, const Route& route) {
  if (route.kind == RouteKind::echo) co_return co_await echo_body(stream, buffer, parser, ex);
  if (route.kind == RouteKind::sink)
    co_return co_await send_sink_report(stream, buffer, parser, ex);
  // No other endpoint wants a body; read it anyway so the connection stays usable.
  if (!co_await consume_body(stream, buffer, parser, nullptr)) co_return false;
  const auto& req = parser.get();
  const ExtraFields kJson{{"Content-Type", "application/json"}};
  const ExtraFields kUpgrade{{"Upgrade", "websocket"}};
  switch (route.kind) {
    case RouteKind::bytes:
      co_return co_await send_pattern(stream, ex, route.number, route.chunked);
    case RouteKind::headers:
      co_return co_await send_text(stream, ex, 200, headers_json(request_fields(req)), kJson);
    case RouteKind::etag:
      co_return co_await send_etag(stream, ex, req[http::field::if_none_match]);
    case RouteKind::status: {
      const auto code = static_cast<unsigned>(route.number);
      co_return co_await send_text(stream, ex, code, "status " + std::to_string(code) + "\n");
    }
    case RouteKind::slow:
      co_return co_await send_slow(stream, ex, route.number);
    case RouteKind::stray:
      co_return co_await send_stray(stream, ex, route.number);
    case RouteKind::close:
      co_return co_await send_text(stream, ex, 200, "closing\n");
    case RouteKind::conn_id:
      co_return co_await send_text(stream, ex, 200, std::to_string(ex.conn_id));
    case RouteKind::websocket:
      co_return co_await send_text(stream, ex, 426, "websocket upgrade required\n", kUpgrade);
    case RouteKind::bad_method:
      co_return co_await send_text(stream, ex, 405, "method not allowed\n");
    case RouteKind::bad_request:
      co_return co_await send_text(stream, ex, 400, "bad request\n");
    default:
      co_return co_await send_text(stream, ex, 404, "not found\n");
  }
}

asio::awaitable<void> shut_down(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  co_return;
}

asio::awaitable<void> shut_down(TlsStream& stream) {
  // close_notify, then a short wait for the client's; most clients just close the socket.
  arm(stream, kTlsShutdownTimeout);
  co_await stream.async_shutdown(kAwait);
  beast::error_code ec;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ec);
}

template <class Stream>
asio::awaitable<void> serve_requests(Stream stream, std::uint64_t conn_id) {
  beast::flat_buffer buffer;
  for (std::size_t i = 0; i < kMaxRequestsPerConnection; ++i) {
    RequestParser parser;
    parser.body_limit(kMaxBody);
    arm(stream, kIdleTimeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kAwait);
    if (ec) break;  // closed, timed out, or not HTTP: nothing more to say
    const auto& req = parser.get();
    const Route route = route_request(req.method_string(), req.target());
    if (route.kind == RouteKind::websocket && beast::websocket::is_upgrade(req)) {
      co_await websocket_echo(std::move(stream), req);
      co_return;
    }
    Exchange ex{.version = req.version(),
                .keep_alive = req.keep_alive() && route.kind != RouteKind::close,
                .head = req.method() == http::verb::head,
                .target = std::string(req.target()),
                .conn_id = conn_id};
    if (!co_await respond(stream, buffer, parser, ex, route) || !ex.keep_alive) break;
  }
  co_await shut_down(stream);
}

}  // namespace

asio::awaitable<void> serve_connection(tcp::socket socket, asio::ssl::context* tls,
                                       std::uint64_t conn_id) {
  if (!tls) {
    co_await serve_requests(beast::tcp_stream(std::move(socket)), conn_id);
    co_return;
  }
  TlsStream stream(beast::tcp_stream(std::move(socket)), *tls);
  arm(stream, kHandshakeTimeout);
  auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kAwait);
  if (ec) co_return;
  co_await serve_requests(std::move(stream), conn_id);
}

}  // namespace edugate::itest
