#pragma once

// GET /ws on the test origin: accept the upgrade and echo every message back, text as text and
// binary as binary, until the client closes (or sends kServerClosesMessage: then the server
// closes).

#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <string_view>

#include "tests/integration/origin/http_io.hpp"

namespace edugate::itest {

inline constexpr std::size_t kMaxWebSocketMessages = 100'000;
/// This message makes the server start the closing handshake (as servers usually do).
inline constexpr std::string_view kServerClosesMessage = "server: close please";

template <class Stream, class Request>
asio::awaitable<void> websocket_echo(Stream stream, const Request& upgrade) {
  namespace websocket = beast::websocket;
  websocket::stream<Stream> ws(std::move(stream));
  // The websocket stream keeps its own timers; the TCP deadline would cut idle sessions.
  beast::get_lowest_layer(ws).expires_never();
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  auto [ec] = co_await ws.async_accept(upgrade, kAwait);
  if (ec) co_return;
  beast::flat_buffer buffer;
  for (std::size_t i = 0; i < kMaxWebSocketMessages; ++i) {
    auto [read_ec, n] = co_await ws.async_read(buffer, kAwait);
    if (read_ec) co_return;  // closed by the client, or failed
    if (beast::buffers_to_string(buffer.data()) == kServerClosesMessage) break;
    ws.text(ws.got_text());
    auto [write_ec, m] = co_await ws.async_write(buffer.data(), kAwait);
    if (write_ec) co_return;
    buffer.consume(buffer.size());
  }
  co_await ws.async_close(websocket::close_code::normal, kAwait);
}

}  // namespace edugate::itest
