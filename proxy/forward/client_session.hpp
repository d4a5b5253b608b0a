#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace edugate::proxy::server {

struct WorkerContext;

/// One client connection, start to end, as one coroutine: read a request head (with limits and
/// deadlines) → refuse, tunnel or forward → repeat while keep-alive holds. The client's address
/// is used once, to check it against client_networks, and is never stored or logged.
boost::asio::awaitable<void> serve_client(WorkerContext& w, boost::asio::ip::tcp::socket socket);

}  // namespace edugate::proxy::server
