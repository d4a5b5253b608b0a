#include "proxy/transparent/host_target.hpp"

#include <fmt/format.h>

#include <boost/url/parse.hpp>
#include <string>

#include "proxy/http/request_target.hpp"

namespace edugate::proxy::transparent {

namespace urls = boost::urls;
using http::ProxyError;

namespace {

/// The destination as a Host value: "192.0.2.1" or "[2001:db8::1]" (port 80 left out).
std::string literal_authority(const boost::asio::ip::tcp::endpoint& destination) {
  const auto& a = destination.address();
  const auto host = a.is_v6() ? fmt::format("[{}]", a.to_string()) : a.to_string();
  if (destination.port() == 80) return host;
  return fmt::format("{}:{}", host, destination.port());
}

/// Only `host[:port]`: anything else in a Host header would change the URL built from it.
bool plain_authority(std::string_view host) {
  if (host.empty()) return false;
  auto parsed = urls::parse_authority(host);
  return parsed && !parsed->has_userinfo() && !parsed->host().empty();
}

}  // namespace

std::variant<http::ForwardTarget, http::ProxyError> host_target(
    const HostRequest& request, const boost::asio::ip::tcp::endpoint& destination) {
  const auto target = request.target;
  if (target.empty()) return ProxyError::bad_request;
  if (target.front() != '/') {
    // absolute-form (asterisk- and authority-form fail here too: no http scheme).
    auto absolute = http::parse_absolute_target(target);
    if (std::holds_alternative<ProxyError>(absolute)) return ProxyError::bad_request;
    return absolute;
  }
  std::string authority;
  if (request.host) {
    if (!plain_authority(*request.host)) return ProxyError::bad_request;
    authority = std::string(*request.host);
  } else if (request.version < 11) {
    authority = literal_authority(destination);
  } else {
    return ProxyError::bad_request;
  }
  return http::parse_absolute_target(fmt::format("http://{}{}", authority, target));
}

}  // namespace edugate::proxy::transparent
