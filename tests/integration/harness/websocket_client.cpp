#include "tests/integration/harness/websocket_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace edugate::itest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> run(const WebSocketExchange& ex, WebSocketResult& result) {
  auto fail = [&](std::string_view step, const beast::error_code& ec) {
    result.error = std::string(step) + ": " + ec.message();
  };
  beast::error_code ec;
  const tcp::endpoint to(asio::ip::make_address(ex.connect_to.host, ec), ex.connect_to.port);
  if (ec) co_return fail("address", ec);
  websocket::stream<beast::tcp_stream> ws(co_await asio::this_coro::executor);
  beast::get_lowest_layer(ws).expires_after(ex.timeout);
  std::tie(ec) = co_await beast::get_lowest_layer(ws).async_connect(to, kAwait);
  if (ec) co_return fail("connect", ec);
  // From here the websocket's own timers apply (Beast's advice for websocket over tcp_stream).
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout{ex.timeout, ex.timeout, false});
  std::tie(ec) = co_await ws.async_handshake(ex.host, ex.target, kAwait);
  if (ec) co_return fail("handshake", ec);
  beast::flat_buffer buffer;
  for (const std::string& message : ex.messages) {
    ws.text(true);
    std::size_t n = 0;
    std::tie(ec, n) = co_await ws.async_write(asio::buffer(message), kAwait);
    if (ec) co_return fail("write", ec);
    std::tie(ec, n) = co_await ws.async_read(buffer, kAwait);
    if (ec) co_return fail("read", ec);
    result.replies.push_back(beast::buffers_to_string(buffer.data()));
    buffer.consume(buffer.size());
  }
  std::tie(ec) = co_await ws.async_close(websocket::close_code::normal, kAwait);
  if (ec) fail("close", ec);
}

}  // namespace

WebSocketResult websocket_exchange(const WebSocketExchange& exchange) {
  WebSocketResult result;
  asio::io_context ioc(1);
  asio::co_spawn(ioc, run(exchange, result), [&](std::exception_ptr e) {
    if (e && result.error.empty()) result.error = "exception in websocket client";
  });
  // The timers above end every step; this bounds the whole run even if one were missed.
  ioc.run_for(exchange.timeout * 2 + milliseconds(1000));
  if (!ioc.stopped() && result.error.empty()) result.error = "timed out";
  return result;
}

}  // namespace edugate::itest
