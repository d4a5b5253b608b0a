#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <optional>
#include <string_view>
#include <variant>

#include "proxy/http/error_response.hpp"
#include "proxy/http/forward.hpp"

namespace edugate::proxy::transparent {

/// What a request on a transparent listener names: its request target and its Host header.
struct HostRequest {
  std::string_view target;               ///< as received: origin-form, or absolute-form
  std::optional<std::string_view> host;  ///< the single Host header; nullopt when absent
  unsigned version = 11;                 ///< 10 for HTTP/1.0
};

/// The ForwardTarget a redirected (not proxied) request is decided on: the host comes from the
/// Host header (RFC 9112 §3.2) and the path and query from the origin-form target. An
/// absolute-form target is also accepted (RFC 9112 §3.2.2: its authority then wins over Host).
/// An HTTP/1.0 request without Host is decided on `destination`'s IP literal, like a TLS
/// connection without SNI. Errors (→ 400): HTTP/1.1 without Host, a Host that is not a plain
/// `host[:port]` (userinfo, path, bad port), an asterisk- or authority-form target, a scheme other
/// than http. Pure; thread-safe.
std::variant<http::ForwardTarget, http::ProxyError> host_target(
    const HostRequest& request, const boost::asio::ip::tcp::endpoint& destination);

}  // namespace edugate::proxy::transparent
