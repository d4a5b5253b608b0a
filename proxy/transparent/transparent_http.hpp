#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <optional>

namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
struct Admission;
class SessionScope;
}  // namespace edugate::proxy::server

namespace edugate::proxy::transparent {

/// Plain-HTTP requests on a redirected connection (the first byte already buffered in `c`), run
/// through the one request pipeline (proxy/session/pipeline.hpp): refuses clients outside
/// client_networks (403) and connections that were not redirected (`destination` empty: 508),
/// decides on the Host header exactly as the forward path decides on the URL (block page, warn
/// page, portal, safe search), then forwards each request to `destination`, the address the
/// client was connecting to (the Host name is not resolved again).
boost::asio::awaitable<void> serve_http(
    server::WorkerContext& w, server::ClientConnection& c, server::Admission& admission,
    server::SessionScope& scope, const std::optional<boost::asio::ip::tcp::endpoint>& destination);

}  // namespace edugate::proxy::transparent
