#include "rules/normalize/url.hpp"

#include <boost/url/authority_view.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "rules/normalize/host.hpp"
#include "rules/normalize/ip_literal.hpp"
#include "rules/normalize/percent.hpp"

namespace edugate::rules {
namespace {

namespace urls = boost::urls;

constexpr std::size_t kMaxPortDigits = 5;

UrlResult failure(UrlError error) { return UrlResult{std::nullopt, error}; }

std::string lowercase_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

/// Port text to a number; empty text (RFC 3986 allows "host:") means the default.
std::optional<std::uint16_t> port_value(std::string_view digits, std::uint16_t default_value) {
  if (digits.empty()) return default_value;
  while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
  if (digits.size() > kMaxPortDigits) return std::nullopt;
  unsigned value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

/// Host of a parsed URL or authority in normalize_host() form, or nullopt when it is invalid.
template <class View>
std::optional<std::string> host_of(const View& view) {
  switch (view.host_type()) {
    case urls::host_type::ipv6: {
      std::string out;
      if (!append_ipv6_canonical(view.encoded_host_address(), out)) return std::nullopt;
      return out;
    }
    case urls::host_type::ipv4:
    case urls::host_type::name:
      return normalize_host(percent_decode(view.encoded_host()));
    default:
      return std::nullopt;  // IPvFuture, or no host at all
  }
}

/// Fills scheme, host and port of `url` from `authority`; returns the error if one is invalid.
template <class View>
std::optional<UrlError> set_origin(std::string_view scheme, const View& authority,
                                   NormalizedUrl& url) {
  url.scheme = lowercase_ascii(scheme);
  const std::uint16_t default_value = default_port(url.scheme);
  if (default_value == 0) return UrlError::bad_scheme;
  auto host = host_of(authority);
  if (!host) return UrlError::bad_host;
  url.host = std::move(*host);
  const auto port = port_value(authority.has_port() ? authority.port() : "", default_value);
  if (!port) return UrlError::bad_port;
  url.port = *port;
  return std::nullopt;
}

/// Fills path and query of `url` from a parsed URL.
void set_resource(const urls::url_view& view, NormalizedUrl& url) {
  url.path = normalize_path(view.encoded_path());
  url.query.clear();
  if (view.has_query()) normalize_component(view.encoded_query(), EscapeCase::as_sent, url.query);
}

}  // namespace

std::string_view to_string(UrlError error) {
  switch (error) {
    case UrlError::empty:
      return "empty URL";
    case UrlError::too_long:
      return "URL too long";
    case UrlError::bad_syntax:
      return "malformed URL";
    case UrlError::bad_scheme:
      return "unsupported scheme";
    case UrlError::bad_host:
      return "invalid host";
    case UrlError::bad_port:
      return "invalid port";
  }
  return "unknown URL error";
}

std::uint16_t default_port(std::string_view lowercase_scheme) {
  if (lowercase_scheme == "http" || lowercase_scheme == "ws") return 80;
  if (lowercase_scheme == "https" || lowercase_scheme == "wss") return 443;
  return 0;
}

std::string NormalizedUrl::to_string() const {
  std::string out;
  out.reserve(scheme.size() + host.size() + path.size() + query.size() + 16);
  out += scheme;
  out += "://";
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out.push_back('[');
  out += host;
  if (ipv6) out.push_back(']');
  if (port != default_port(scheme)) {
    out.push_back(':');
    out += std::to_string(port);
  }
  out += path;
  if (!query.empty()) {
    out.push_back('?');
    out += query;
  }
  return out;
}

UrlResult parse_and_normalize_url(std::string_view url, std::size_t max_length,
                                  bool allow_schemeless) {
  if (url.empty()) return failure(UrlError::empty);
  if (url.size() > max_length) return failure(UrlError::too_long);
  std::string text;
  if (allow_schemeless && !starts_with_scheme_authority(url)) {
    const bool network_path = url.size() >= 2 && url[0] == '/' && url[1] == '/';
    text = make_parseable(std::string(network_path ? "http:" : "http://") + std::string(url),
                          UrlStart::scheme);
  } else {
    text = make_parseable(url, UrlStart::scheme);
  }
  const auto parsed = urls::parse_uri(text);
  if (!parsed) return failure(UrlError::bad_syntax);
  const urls::url_view& view = *parsed;
  // Boost.URL 1.81 accepts "http://h:8o/" as port "8" + path "o/"; RFC 3986 does not.
  if (view.has_authority() && !view.encoded_path().empty() && view.encoded_path().front() != '/') {
    return failure(UrlError::bad_syntax);
  }
  if (!view.has_authority()) {
    return failure(default_port(lowercase_ascii(view.scheme())) == 0 ? UrlError::bad_scheme
                                                                     : UrlError::bad_host);
  }
  NormalizedUrl out;
  if (const auto error = set_origin(view.scheme(), view, out)) return failure(*error);
  set_resource(view, out);
  return UrlResult{std::move(out), UrlError::empty};
}

UrlResult normalize_origin_form(std::string_view target, std::string_view host_header,
                                std::string_view scheme, std::size_t max_length) {
  if (target.empty()) return failure(UrlError::empty);
  if (target.size() + host_header.size() > max_length) return failure(UrlError::too_long);
  if (target.front() != '/') {
    if (!starts_with_scheme_authority(target)) return failure(UrlError::bad_syntax);
    return parse_and_normalize_url(target, max_length, false);
  }
  const std::string text = make_parseable(target, UrlStart::path);
  const auto parsed = urls::parse_origin_form(text);
  if (!parsed) return failure(UrlError::bad_syntax);
  if (host_header.empty()) return failure(UrlError::bad_host);
  const std::string host_text = make_authority_parseable(host_header);
  const auto authority = urls::parse_authority(host_text);
  if (!authority || authority->has_userinfo()) return failure(UrlError::bad_host);
  NormalizedUrl out;
  if (const auto error = set_origin(scheme, *authority, out)) return failure(*error);
  set_resource(*parsed, out);
  return UrlResult{std::move(out), UrlError::empty};
}

std::optional<ConnectTarget> parse_connect_target(std::string_view target) {
  if (target.empty() || target.size() > kMaxHostInput + 7) return std::nullopt;
  const std::string text = make_authority_parseable(target);
  const auto authority = urls::parse_authority(text);
  if (!authority || authority->has_userinfo() || !authority->has_port()) return std::nullopt;
  auto host = host_of(*authority);
  const auto port = port_value(authority->port(), 0);
  if (!host || !port || *port == 0) return std::nullopt;
  return ConnectTarget{std::move(*host), *port};
}

}  // namespace edugate::rules
