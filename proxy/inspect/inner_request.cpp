#include "proxy/inspect/inner_request.hpp"

#include <boost/beast/http/field.hpp>
#include <charconv>

namespace edugate::proxy::inspect {

namespace bhttp = boost::beast::http;

namespace {

/// "name", "name:port", "[v6]", "[v6]:port" → the host part; nullopt when malformed.
std::optional<std::string_view> host_of(std::string_view authority) {
  if (authority.empty()) return std::nullopt;
  std::string_view host = authority, port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    const auto rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
    }
  } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return std::nullopt;  // bare IPv6
  }
  if (host.empty() || host.find_first_of("/@?# \t") != std::string_view::npos) return std::nullopt;
  if (authority.back() == ':' || !port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value > 65535)
      return std::nullopt;
  }
  return host;
}

}  // namespace

std::variant<http::ForwardTarget, http::ProxyError> inner_target(
    std::string_view target, std::optional<std::string_view> host_header, const TunnelName& t) {
  if (target.empty() || target.front() != '/') return http::ProxyError::bad_request;
  http::ForwardTarget out;
  if (host_header) {
    const auto host = host_of(*host_header);
    if (!host) return http::ProxyError::bad_request;
    out.host = std::string(*host);
    out.authority = std::string(*host_header);
  } else {
    out.host = std::string(t.name);
    out.authority = std::string(t.name);
  }
  out.port = t.port;
  out.origin_form = std::string(target);
  out.connect_host = std::string(t.connect_host);
  return out;
}

}  // namespace edugate::proxy::inspect
