#include "proxy/http/request_target.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/url/ipv4_address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cctype>

namespace edugate::proxy::http {

namespace urls = boost::urls;

namespace {

bool valid_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}

/// True when `host` starts with an IPv4 address and goes on: Boost.URL 1.81 reads the longest
/// such prefix as the host ("1.2.3.4x.example" is 1.2.3.4 and the path "x.example").
bool starts_with_ipv4(std::string_view host) {
  // Every dotted-decimal address starts with a digit: names (nearly every request) skip the
  // up to nine trial parses below.
  if (host.empty() || host.front() < '0' || host.front() > '9') return false;
  for (std::size_t n = 7; n <= 15 && n < host.size(); ++n)
    if (urls::parse_ipv4_address(host.substr(0, n))) return true;
  return false;
}

/// Host from an authority as a connectable name: lowercase, no trailing dot, IPv6 unbracketed.
std::optional<std::string> host_of(const urls::authority_view& a) {
  switch (a.host_type()) {
    case urls::host_type::ipv4:
      return a.host_ipv4_address().to_string();
    case urls::host_type::ipv6:
      return a.host_ipv6_address().to_string();
    case urls::host_type::name: {
      std::string host = a.host_name();  // percent-decoded
      if (host.empty() || !std::all_of(host.begin(), host.end(), valid_name_char))
        return std::nullopt;
      std::transform(host.begin(), host.end(), host.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (host.back() == '.') host.pop_back();
      // No empty label: "a..", ".a" and "a..b" name no host (and "a.." would lose its
      // second dot only when sent on, so what goes upstream would differ from what was decided).
      if (host.empty() || host.front() == '.' || host.back() == '.' ||
          host.find("..") != std::string::npos)
        return std::nullopt;
      // A name whose last label is a number is an IPv4 address or nothing (WHATWG URL's
      // "ends in a number"): "%35.1.7.2.0.0.1." decodes to one, and sent on as a Host it
      // re-parses as 5.1.7.2 with a path (request_target_fuzz soak finding). IPv4 literals
      // arrive as host_type::ipv4 above; no public name ends in a numeric label.
      const auto last = host.substr(host.rfind('.') + 1);
      if (std::all_of(last.begin(), last.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::nullopt;
      // A name that starts with an IPv4 address ("%35.3.7.2.0.0h.x" decodes to "5.3.7.2.0.0h.x")
      // is read back, by Boost.URL 1.81 here and by any parser that takes the longest IPv4
      // prefix, as the address 5.3.7.2 followed by a path: refused for the same reason
      // (request_target_fuzz finding, CI). Boost.URL 1.81 already refuses such a name written
      // plainly ("http://10.0.0.1.nip.io/" reads as 10.0.0.1 with the path ".nip.io/"), so
      // wildcard-DNS names of that shape do not pass through edugate.
      if (starts_with_ipv4(host)) return std::nullopt;
      return host;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::uint16_t> port_of(const urls::authority_view& a, std::uint16_t fallback) {
  if (!a.has_port()) return fallback;
  const auto text = a.port();
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned v = 0;
  for (char c : text) v = v * 10 + static_cast<unsigned>(c - '0');
  if (v == 0 || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

std::string authority_for(const std::string& host, std::uint16_t port, std::uint16_t dflt) {
  const bool v6 = host.find(':') != std::string::npos;
  const auto bracketed = v6 ? fmt::format("[{}]", host) : host;
  return port == dflt ? bracketed : fmt::format("{}:{}", bracketed, port);
}

}  // namespace

std::variant<http::ForwardTarget, http::ProxyError> parse_absolute_target(std::string_view target) {
  if (!target.empty() && target.front() == '/') return http::ProxyError::not_a_proxy_request;
  auto parsed = urls::parse_uri(target);  // lenient: a stray #fragment is dropped
  if (!parsed) return http::ProxyError::bad_request;
  const auto& u = *parsed;
  if (u.scheme_id() != urls::scheme::http) return http::ProxyError::scheme_unsupported;
  if (!u.has_authority()) return http::ProxyError::bad_request;
  // After an authority the path is empty or starts with '/' (RFC 3986 3.3, path-abempty).
  // Boost.URL 1.81 reads "127.0.0.1.:3129/x" (and "1.2.3.4.5:80/") as the IPv4 host 127.0.0.1
  // with no port and the path ".:3129/x": refused rather than connected to the wrong place.
  if (const auto path = u.encoded_path(); !path.empty() && path.front() != '/')
    return http::ProxyError::bad_request;
  const auto authority = u.authority();
  auto host = host_of(authority);
  auto port = port_of(authority, 80);
  if (!host || !port) return http::ProxyError::bad_request;
  http::ForwardTarget t;
  t.host = std::move(*host);
  t.port = *port;
  t.origin_form = u.encoded_path().empty() ? "/" : std::string(u.encoded_path());
  if (u.has_query()) {
    t.origin_form += '?';
    t.origin_form += u.encoded_query();
  }
  t.authority = authority_for(t.host, t.port, 80);
  return t;
}

std::optional<ConnectTarget> parse_connect_target(std::string_view target) {
  auto parsed = urls::parse_authority(target);
  if (!parsed || parsed->has_userinfo() || !parsed->has_port()) return std::nullopt;
  auto host = host_of(*parsed);
  auto port = port_of(*parsed, 0);
  if (!host || !port) return std::nullopt;
  return ConnectTarget{std::move(*host), *port};
}

}  // namespace edugate::proxy::http
