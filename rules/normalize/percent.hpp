#pragma once

#include <string>
#include <string_view>

namespace edugate::rules {

/// RFC 3986 "unreserved": ALPHA / DIGIT / "-" / "." / "_" / "~".
bool is_unreserved(char c);

/// How normalize_component() treats escapes that it keeps.
enum class EscapeCase { uppercase, as_sent };

/// Normalises one path or query component: "%XX" escapes of unreserved characters are decoded,
/// other escapes are kept (hex uppercased when `escape_case` says so), a '%' that starts no valid
/// escape becomes "%25", and octets that RFC 3986 never allows raw (controls, space, '"', '<', '>',
/// '\\', '[', ']', '^', '`', '{', '|', '}', '#' and all non-ASCII) are percent-encoded with
/// uppercase hex. Appends to `out`. Pure.
void normalize_component(std::string_view in, EscapeCase escape_case, std::string& out);

/// Where make_parseable() starts: at a scheme ("http://h/p") or directly in a path ("/p?q").
enum class UrlStart { scheme, path };

/// Rewrites what clients and lists send in practice into a string that RFC 3986 (and so
/// Boost.URL) accepts, without changing its structure: octets never allowed raw are
/// percent-encoded (non-ASCII in the host too: the host is percent-decoded again after parsing,
/// so IDN hosts survive), a stray '%' becomes "%25", and, as browsers do for http(s)/ws(s), '\\'
/// before the query counts as '/'. This is a byte-level escape pass, not a parser: Boost.URL
/// parses the result.
std::string make_parseable(std::string_view url, UrlStart start);

/// True when `url` starts with "scheme://" (or "scheme:\\\\", as browsers read it).
bool starts_with_scheme_authority(std::string_view url);

/// Percent-encodes the octets of an authority ("host[:port]", from a Host header or a CONNECT
/// target) that RFC 3986 never allows raw, except the IPv6 brackets; a stray '%' becomes "%25".
std::string make_authority_parseable(std::string_view authority);

/// Decodes "%XX" escapes (invalid ones are kept as they are). Used for hosts after parsing.
std::string percent_decode(std::string_view in);

}  // namespace edugate::rules
