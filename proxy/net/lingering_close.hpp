#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

namespace edugate::proxy::net {

/// Closes a client connection after an error response without losing the response: a close
/// with unread input makes the kernel send a reset, which can destroy the answer still in
/// flight. So: stop sending, then read and discard for a short, bounded time (2 s, 256 KiB),
/// then close. Works under TLS too (the TCP stream below it; the connection is ending anyway).
boost::asio::awaitable<void> lingering_close(boost::beast::tcp_stream& stream);

}  // namespace edugate::proxy::net
