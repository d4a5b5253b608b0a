#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edugate::rules {

/// Default cap on the length of a URL given to the parsers below.
inline constexpr std::size_t kDefaultMaxUrlLength = 8192;

/// A URL in the one canonical form used for matching.
struct NormalizedUrl {
  std::string scheme;      ///< "http", "https", "ws" or "wss"
  std::string host;        ///< normalize_host() form (IPv6 without brackets)
  std::uint16_t port = 0;  ///< explicit port or the scheme's default
  std::string path;        ///< normalize_path() form; starts with '/'
  std::string query;       ///< without '?'; unreserved escapes decoded, the rest as sent

  /// "scheme://host[:port]path[?query]": IPv6 in brackets, the port only when it is not the
  /// scheme default, no userinfo, no fragment.
  std::string to_string() const;
  friend bool operator==(const NormalizedUrl&, const NormalizedUrl&) = default;
};

enum class UrlError { empty, too_long, bad_syntax, bad_scheme, bad_host, bad_port };

/// Short English name of an error ("bad host", ...), for logs and diagnostics.
std::string_view to_string(UrlError error);

/// Outcome of URL normalisation: `url` is set on success; otherwise `error` says why.
/// (A struct rather than std::variant so that callers write `if (r) use(*r.url)`.)
struct UrlResult {
  std::optional<NormalizedUrl> url;
  UrlError error = UrlError::empty;
  explicit operator bool() const { return url.has_value(); }
};

/// Default port of "http"/"ws" (80) and "https"/"wss" (443); 0 for any other scheme.
std::uint16_t default_port(std::string_view lowercase_scheme);

/// Parses and normalises an absolute URL (proxy absolute-form "http://Host:80/p?q", or a URL from
/// a list) with Boost.URL. Userinfo and fragment are dropped; the scheme must be http, https, ws
/// or wss; the host goes through normalize_host() (percent escapes in it are decoded first, so
/// IDN hosts work raw or escaped); port 1..65535; path through normalize_path(). Octets that
/// clients send raw but RFC 3986 forbids (space, '|', non-ASCII ...) are percent-encoded first;
/// '\\' before the query counts as '/', as in browsers. Input longer than `max_length` fails with
/// UrlError::too_long. With `allow_schemeless`, input without "scheme://" (e.g. "example.com/p")
/// is read as "http://" + input. Pure, thread-safe.
UrlResult parse_and_normalize_url(std::string_view url,
                                  std::size_t max_length = kDefaultMaxUrlLength,
                                  bool allow_schemeless = false);

/// Normalises an origin-form request target ("/p?q") plus the Host header value ("Host[:port]",
/// no userinfo) and the connection's scheme into the same result as parse_and_normalize_url().
/// A target that is not origin-form is read as an absolute URL and the Host header is ignored
/// (RFC 9112 3.2.2). `max_length` caps target plus Host header. Pure, thread-safe.
UrlResult normalize_origin_form(std::string_view target, std::string_view host_header,
                                std::string_view scheme,
                                std::size_t max_length = kDefaultMaxUrlLength);

/// Path-only normalisation for callers that already have host and port: '\\' counts as '/',
/// escapes of unreserved characters are decoded (so "%2e%2e" is ".."), other escapes get
/// uppercase hex, octets never allowed raw are escaped, dot segments are removed (RFC 3986
/// 5.2.4: "/a/../b" is "/b"), repeated slashes are merged ("//a///b" is "/a/b", as nginx and
/// Envoy serve it), and the result starts with '/' ("" gives "/"). Idempotent. Pure.
std::string normalize_path(std::string_view path);

/// Host and port of a CONNECT request target.
struct ConnectTarget {
  std::string host;  ///< normalize_host() form
  std::uint16_t port = 0;
  friend bool operator==(const ConnectTarget&, const ConnectTarget&) = default;
};

/// Parses an authority-form CONNECT target "host:port" ("[2001:db8::1]:443" for IPv6) with
/// Boost.URL. The port is required (1..65535); userinfo is rejected. Returns nullopt when the
/// target is malformed or longer than kMaxHostInput + 7. Pure, thread-safe.
std::optional<ConnectTarget> parse_connect_target(std::string_view target);

}  // namespace edugate::rules
