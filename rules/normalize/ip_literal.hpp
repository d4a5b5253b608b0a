#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edugate::rules {

/// Parses an IPv4 literal with inet_aton(3) semantics, as browsers do (WHATWG URL "IPv4 parser"):
/// 1 to 4 dot-separated parts, each decimal, octal (leading "0") or hex ("0x"); the last part fills
/// the remaining bytes ("127.1" is 127.0.0.1, "3232235777" is 192.168.1.1). Returns the address in
/// host byte order, or nullopt when any part is malformed or out of range. A single trailing dot
/// is not accepted here (callers strip it). Pure; thread-safe.
std::optional<std::uint32_t> parse_ipv4_loose(std::string_view text);

/// True when `label` is "a number" in the WHATWG sense: all decimal digits, or "0x"/"0X" followed
/// by hex digits. A host whose last label is a number must be an IPv4 literal or it is invalid.
bool is_numeric_label(std::string_view label);

/// Appends the dotted-quad form of a host-order IPv4 address to `out`.
void append_ipv4(std::uint32_t address, std::string& out);

/// Parses an IPv6 literal without brackets (inet_pton(3) syntax; zone ids such as "%eth0" are
/// rejected) and appends its RFC 5952 text form to `out`: lowercase, no leading zeros, the longest
/// run (>= 2) of zero groups compressed to "::", IPv4-mapped addresses as "::ffff:a.b.c.d".
/// Returns false and leaves `out` unchanged on malformed input.
bool append_ipv6_canonical(std::string_view text, std::string& out);

}  // namespace edugate::rules
