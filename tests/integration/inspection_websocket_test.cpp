// A WebSocket inside an inspected HTTPS connection: the upgrade is decided and passed on like
// any request, then frames flow both ways through the two TLS sessions (client ↔ edugate with
// the minted certificate, edugate ↔ the verified origin).

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>

#include "tests/integration/inspection_fixture.hpp"
#include "tests/integration/origin/websocket_echo.hpp"

namespace edugate::itest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

/// CONNECT through `proxy`, TLS trusting only `ca` for `host`, WebSocket upgrade on /ws, then
/// each message sent and its echo read. Blocking, with 10 s socket timeouts.
std::vector<std::string> echo_through(const Endpoint& proxy, const std::string& host,
                                      const std::filesystem::path& ca,
                                      const std::vector<std::string>& messages) {
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect({asio::ip::make_address(proxy.host), proxy.port});
  const timeval tv{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const std::string connect = "CONNECT " + host + ":443 HTTP/1.1\r\nHost: " + host + ":443\r\n\r\n";
  asio::write(socket, asio::buffer(connect));
  std::string head;
  asio::read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n");
  if (!head.starts_with("HTTP/1.1 200")) throw std::runtime_error("CONNECT: " + head);
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(ca.string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::websocket::stream<beast::ssl_stream<tcp::socket>> ws(std::move(socket), ctx);
  SSL_set_tlsext_host_name(ws.next_layer().native_handle(), host.c_str());
  ws.next_layer().set_verify_callback(asio::ssl::host_name_verification(host));
  ws.next_layer().handshake(asio::ssl::stream_base::client);
  ws.handshake(host, "/ws");
  std::vector<std::string> replies;
  for (const auto& m : messages) {
    ws.write(asio::buffer(m));
    beast::flat_buffer buf;
    ws.read(buf);
    replies.push_back(beast::buffers_to_string(buf.data()));
  }
  ws.close(beast::websocket::close_code::normal);
  return replies;
}

TEST(InspectionWebSocket, FramesFlowThroughBothTlsSessions) {
  InspectionSetup setup;
  EdugateProcess edugate{setup.config()};
  const std::vector<std::string> messages = {"xin chào", std::string(100000, 'x'), "bye"};
  std::vector<std::string> replies;
  try {
    replies = echo_through(edugate.proxy(), "allowed.test", setup.school_ca, messages);
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\n" << curl({edugate.admin().url() + "/metrics"}).out;
  }
  EXPECT_EQ(replies, messages);
  EXPECT_EQ(metric(edugate, "edugate_websocket_upgrades_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 1);
  // The minted certificate is the only one this client accepts: it was inspected.
  EXPECT_THROW(echo_through(edugate.proxy(), "allowed.test", setup.pki.ca_cert, {"x"}),
               std::exception);
}

TEST(InspectionWebSocket, ServerFirstCloseEndsCleanlyOnBothTlsSessions) {
  InspectionSetup setup;
  EdugateProcess edugate{setup.config()};
  asio::io_context io;
  tcp::socket socket(io);
  const auto proxy = edugate.proxy();
  socket.connect({asio::ip::make_address(proxy.host), proxy.port});
  const timeval tv{10, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  asio::write(socket, asio::buffer(std::string(
                          "CONNECT allowed.test:443 HTTP/1.1\r\nHost: allowed.test:443\r\n\r\n")));
  std::string head;
  asio::read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n");
  ASSERT_TRUE(head.starts_with("HTTP/1.1 200")) << head;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.load_verify_file(setup.school_ca.string());
  ctx.set_verify_mode(asio::ssl::verify_peer);
  beast::websocket::stream<beast::ssl_stream<tcp::socket>> ws(std::move(socket), ctx);
  SSL_set_tlsext_host_name(ws.next_layer().native_handle(), "allowed.test");
  ws.next_layer().handshake(asio::ssl::stream_base::client);
  ws.handshake("allowed.test", "/ws");
  ws.write(asio::buffer(std::string(kServerClosesMessage)));
  beast::flat_buffer buf;
  beast::error_code ec;
  const auto started = std::chrono::steady_clock::now();
  ws.read(buf, ec);  // the server's Close frame: Beast answers it and tears TLS down
  // A clean end: the closing handshake completed and close_notify came through edugate (a cut
  // TCP connection would read as ssl stream_truncated instead), without waiting out a timer.
  EXPECT_EQ(ec, beast::websocket::error::closed) << ec.message();
  EXPECT_EQ(ws.reason().code, beast::websocket::close_code::normal);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

}  // namespace
}  // namespace edugate::itest
