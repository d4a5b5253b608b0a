#include "proxy/transparent/transparent_session.hpp"

#include <spdlog/spdlog.h>

#include <optional>

#include "proxy/net/original_destination.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/session_support.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/transparent/transparent_http.hpp"
#include "proxy/transparent/transparent_tls.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

namespace {

constexpr unsigned char kTlsHandshakeRecord = 0x16;

/// Where the client was connecting before the firewall redirected it; nullopt when no redirect
/// happened (or conntrack cannot tell) or it pointed at edugate itself: forwarding would loop.
/// Logged without any address.
std::optional<tcp::endpoint> redirected_destination(const WorkerContext& w,
                                                    const tcp::socket& socket) {
  auto original = net::original_destination(socket);
  if (!original) {
    spdlog::debug("transparent listener: no original destination ({}): refused",
                  original.error().message());
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  if (ec || net::is_own_listener(*original, local, w.config.listeners)) {
    spdlog::debug("transparent listener: connection addressed to edugate itself: refused");
    return std::nullopt;
  }
  return *original;
}

bool starts_tls(const ClientConnection& c) {
  const auto data = c.buffer.data();
  return data.size() > 0 && *static_cast<const unsigned char*>(data.data()) == kTlsHandshakeRecord;
}

}  // namespace

asio::awaitable<void> serve_transparent(WorkerContext& w, tcp::socket socket,
                                        rules::IpBytes client) {
  bump(w.metrics.connections_accepted);
  auto admission = admit(w, client);
  const auto destination = redirected_destination(w, socket);
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  ClientConnection c(beast::tcp_stream(std::move(socket)),
                     w.config.limits.max_header_bytes + w.config.limits.max_url_length + 4096);
  SessionScope scope(w, c.stream.socket());
  // The first byte, under the request_head deadline, tells a TLS ClientHello from HTTP.
  if (!co_await wait_for_request(w, c, scope.handle(), true)) co_return;
  if (starts_tls(c)) {
    co_await transparent::serve_tls(w, c, admission, destination);
    co_return;
  }
  co_await transparent::serve_http(w, c, admission, scope, destination);
}

}  // namespace edugate::proxy::server
