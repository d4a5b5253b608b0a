#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"

namespace edugate::proxy::http {

/// Takes apart an absolute-form request target (`http://host:port/path?query`) with Boost.URL.
/// Userinfo and fragment are dropped. Errors: origin-form on a forward listener, a scheme other
/// than http (https goes through CONNECT), a missing or invalid host or port.
std::variant<ForwardTarget, ProxyError> parse_absolute_target(std::string_view target);

/// Where a CONNECT goes: its authority-form target taken apart.
struct ConnectTarget {
  std::string host;  ///< lowercase name or IP literal (IPv6 without brackets)
  std::uint16_t port = 443;
};

/// Takes apart a CONNECT authority-form target (`host:port`, `[v6]:port`); the port is required.
std::optional<ConnectTarget> parse_connect_target(std::string_view target);

}  // namespace edugate::proxy::http
