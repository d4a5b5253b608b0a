#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>

namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
struct Admission;
}  // namespace edugate::proxy::server

namespace edugate::proxy::transparent {

/// A redirected TLS connection whose first byte (0x16) is buffered in `c`, served to its end
/// without decrypting it: closes clients outside client_networks and connections that were not
/// redirected (`destination` empty); reads the ClientHello (capped, timed) and decides on its SNI,
/// or on the destination's IP literal when it has none (the rule set's bare-ip policy). Blocked:
/// closed before a byte reaches any upstream. Safe search: connected to the search engine's
/// safe endpoint on port 443 instead. Otherwise connected to `destination`. The ClientHello goes
/// on unchanged and bytes are relayed both ways until both sides end or the tunnel idles out.
boost::asio::awaitable<void> serve_tls(
    server::WorkerContext& w, server::ClientConnection& c, server::Admission& admission,
    const std::optional<boost::asio::ip::tcp::endpoint>& destination);

}  // namespace edugate::proxy::transparent
