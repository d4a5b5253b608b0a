#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <cstdint>
#include <vector>

namespace edugate::proxy::server {
struct WorkerContext;
}

namespace edugate::proxy::tunnel {

/// The end of every byte tunnel (CONNECT, transparent TLS, an exempt inspected host): sends the
/// bytes already read from the client (its ClientHello) to the upstream unchanged and frees
/// them (a tunnel may last hours), then relays both ways with splice(2) until either side
/// closes or tunnel_idle passes. Counted in the active_tunnels gauge while it runs.
boost::asio::awaitable<void> relay_tunnel(server::WorkerContext& w,
                                          boost::beast::tcp_stream& client,
                                          boost::beast::tcp_stream& upstream,
                                          std::vector<std::uint8_t> already_read);

}  // namespace edugate::proxy::tunnel
