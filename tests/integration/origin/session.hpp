#pragma once

// One test-origin connection: TLS handshake if configured, then keep-alive HTTP/1.1 requests
// routed to the endpoints in route.hpp, or a WebSocket echo after an upgrade.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>

namespace edugate::itest {

/// Serves `socket` until the client closes, a deadline passes or a response says close.
/// `tls` (not owned, may be null) must outlive the coroutine. `conn_id` is what /conn-id returns.
boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket,
                                              boost::asio::ssl::context* tls,
                                              std::uint64_t conn_id);

}  // namespace edugate::itest
