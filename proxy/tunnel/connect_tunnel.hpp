#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "proxy/http/request_target.hpp"

namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
}  // namespace edugate::proxy::server

namespace edugate::proxy::tunnel {

using http::ConnectTarget;

/// Decides on the ClientHello's server name (empty when there was none); false closes the tunnel
/// before a single client byte reaches the upstream.
using SniCheck = std::function<bool(std::string_view sni)>;

/// Serves a CONNECT whose port and host were already checked: connects to `upstream` (502/504
/// on failure), answers 200, reads the client's first TLS ClientHello (SNI and ALPN, capped and
/// timed), asks `sni_allowed`, sends those bytes on unchanged and relays both directions until
/// both sides close or the tunnel idles out. The client connection is finished afterwards.
boost::asio::awaitable<void> run_connect_tunnel(server::WorkerContext& w,
                                                server::ClientConnection& client,
                                                const ConnectTarget& upstream, unsigned version,
                                                const SniCheck& sni_allowed);

}  // namespace edugate::proxy::tunnel
