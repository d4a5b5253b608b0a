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

enum class HttpStep { next, stop };

/// One plain-HTTP request on a redirected connection whose first byte is buffered in `c`: reads
/// the head (limits, deadlines), refuses clients outside client_networks (403) and connections
/// that were not redirected (`destination` empty: 508), decides on the Host header exactly as the
/// forward path decides on the URL (block page, warn page, portal, safe search), then forwards
/// the request to `destination`, the address the client was connecting to (the Host name is not
/// resolved again). Returns whether the connection may carry another request.
boost::asio::awaitable<HttpStep> handle_http_request(
    server::WorkerContext& w, server::ClientConnection& c, server::Admission& admission,
    const std::optional<boost::asio::ip::tcp::endpoint>& destination);

}  // namespace edugate::proxy::transparent
