#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "rules/cidr.hpp"

namespace edugate::proxy::server {

struct WorkerContext;

/// One client connection, start to end, as one coroutine: read a request head (with limits and
/// deadlines) → refuse, tunnel or forward → repeat while keep-alive holds. `client` is the
/// device's address (the peer's, or the one a trusted load balancer's PROXY header named); it is
/// used once, to admit the connection, and is never stored or logged.
boost::asio::awaitable<void> serve_client(WorkerContext& w, boost::asio::ip::tcp::socket socket,
                                          rules::IpBytes client);

}  // namespace edugate::proxy::server
