#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "proxy/http/error_response.hpp"
#include "proxy/net/upstream_connection.hpp"

namespace edugate::proxy::server {
struct WorkerContext;
}

namespace edugate::proxy::net {

struct ConnectResult {
  std::unique_ptr<UpstreamConnection> connection;             ///< null on failure
  http::ProxyError error = http::ProxyError::connect_failed;  ///< why, when null
};

/// Opens a new TCP connection to host:port: an `upstream_overrides` entry wins, an IP literal is
/// used as is, anything else is resolved (bounded by timeouts.upstream_connect, as is the
/// connect). Only addresses the worker's destination policy allows are tried; when it refuses
/// them all the error is forbidden_destination (403). Never throws; counts its outcome in the
/// worker's metrics.
boost::asio::awaitable<ConnectResult> connect_upstream(server::WorkerContext& w,
                                                       std::string_view host, std::uint16_t port);

/// The addresses `host` names, the way connect_upstream() finds them (an upstream_overrides
/// entry, an IP literal as is, else DNS within timeouts.upstream_connect); empty when it does not
/// resolve. Not checked against the destination policy.
boost::asio::awaitable<std::vector<boost::asio::ip::tcp::endpoint>> resolve_upstream(
    server::WorkerContext& w, std::string_view host, std::uint16_t port);

/// A pooled connection for host:port when one is idle and clean (see net::IdlePool), else a new
/// one.
boost::asio::awaitable<ConnectResult> acquire_upstream(server::WorkerContext& w,
                                                       std::string_view host, std::uint16_t port);

}  // namespace edugate::proxy::net
