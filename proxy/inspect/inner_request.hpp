#pragma once

// A request read inside an inspected TLS connection, taken apart for the gate: what host it
// names (its Host header, else the tunnel's name) and its origin-form target. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"

namespace edugate::proxy::inspect {

/// The tunnel a request arrived in.
struct TunnelName {
  std::string_view name;  ///< the certificate's name (SNI, else the CONNECT host)
  std::uint16_t port = 443;
  std::string_view connect_host;  ///< where requests go (a safe-search endpoint may replace it)
};

/// The ForwardTarget of a request inside the tunnel: host from the Host header (without its
/// port; the tunnel's name when there is none, as HTTP/1.0 allows), the tunnel's port, the
/// origin-form target as sent, authority = the Host header as sent (else the tunnel's name),
/// connect_host = the tunnel's upstream. Errors (400): a target that is not origin-form
/// (absolute-form, `*`), an empty or malformed Host.
std::variant<http::ForwardTarget, http::ProxyError> inner_target(
    std::string_view target, std::optional<std::string_view> host_header, const TunnelName& t);

}  // namespace edugate::proxy::inspect
