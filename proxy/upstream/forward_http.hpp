#pragma once

#include <boost/asio/awaitable.hpp>

#include "proxy/http/forward.hpp"

namespace edugate::proxy::server {
struct WorkerContext;
struct ClientConnection;
}  // namespace edugate::proxy::server

namespace edugate::proxy::http {

/// Forwards one request whose head `parser` has read (its fields are rewritten in place) to the
/// origin and streams the response back: bodies of any size go through one fixed buffer in
/// both directions; interim 1xx responses are passed on; a WebSocket upgrade becomes a byte
/// relay. Upstream failures before the response started become 502/504 pages. Returns whether
/// the client connection may carry another request.
boost::asio::awaitable<AfterExchange> forward_http(server::WorkerContext& w,
                                                   server::ClientConnection& client,
                                                   RequestParser& parser,
                                                   const ForwardTarget& target);

}  // namespace edugate::proxy::http
