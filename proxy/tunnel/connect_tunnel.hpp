#pragma once

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <string>

namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
}  // namespace edugate::proxy::server

namespace edugate::proxy::tunnel {

struct ConnectTarget {
  std::string host;  ///< lowercase name or IP literal (IPv6 without brackets)
  std::uint16_t port = 443;
};

/// Serves a CONNECT whose port was already checked: connects upstream (502/504 on failure),
/// answers 200, reads the client's first TLS ClientHello (SNI and ALPN, capped and timed), sends
/// those bytes on unchanged and relays both directions until both sides close or the tunnel
/// idles out. The client connection is finished afterwards.
boost::asio::awaitable<void> run_connect_tunnel(server::WorkerContext& w,
                                                server::ClientConnection& client,
                                                const ConnectTarget& target, unsigned version);

}  // namespace edugate::proxy::tunnel
