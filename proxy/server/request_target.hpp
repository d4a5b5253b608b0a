#pragma once

#include <optional>
#include <string_view>
#include <variant>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"
#include "proxy/tunnel/connect_tunnel.hpp"

namespace edugate::proxy::server {

/// Takes apart an absolute-form request target (`http://host:port/path?query`) with Boost.URL.
/// Userinfo and fragment are dropped. Errors: origin-form on a forward listener, a scheme other
/// than http (https goes through CONNECT), a missing or invalid host or port.
std::variant<http::ForwardTarget, http::ProxyError> parse_absolute_target(std::string_view target);

/// Takes apart a CONNECT authority-form target (`host:port`, `[v6]:port`); the port is required.
std::optional<tunnel::ConnectTarget> parse_connect_target(std::string_view target);

}  // namespace edugate::proxy::server
