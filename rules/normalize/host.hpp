#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace edugate::rules {

/// Longest input normalize_host() looks at; longer input is rejected without being read.
inline constexpr std::size_t kMaxHostInput = 1024;
/// DNS limits (RFC 1035) on the normalised, punycode form without the trailing dot.
inline constexpr std::size_t kMaxHostLength = 253;
inline constexpr std::size_t kMaxLabelLength = 63;

/// The one canonical form of a host name or IP literal, used for every comparison in rules/:
/// - names: lowercase ASCII, trailing dot removed, IDN (Unicode, any case) converted to the
///   punycode A-label with libidn2 (IDNA2008 + UTS#46 non-transitional, NFC input; transitional
///   processing as a fallback). Allowed octets afterwards: a-z 0-9 '-' '_' '.'; no empty label,
///   labels <= 63 octets, the name <= 253 octets.
/// - IPv4 in any inet_aton form (decimal "3232235777", octal "0300.0250.0.1", hex "0xc0a80001",
///   short "127.1") becomes a dotted quad. A name whose last label is a number but which is not a
///   valid IPv4 literal ("1.2.3.256", "a.123") is rejected, as browsers reject it.
/// - IPv6 with or without brackets becomes the RFC 5952 form without brackets; zone ids rejected.
/// Returns nullopt for anything else, including input longer than kMaxHostInput. Pure,
/// thread-safe, never throws except std::bad_alloc.
std::optional<std::string> normalize_host(std::string_view host);

/// Same as normalize_host() but writes into `out`, which is cleared first. ASCII input (names, IP
/// literals) is handled in one pass without allocating once `out` has the capacity; only
/// non-ASCII (IDN) input allocates, inside libidn2. Returns false, with `out` in an unspecified
/// state, when the host is invalid. Thread-safe for distinct `out` buffers.
bool normalize_host_into(std::string_view host, std::string& out);

enum class HostKind { name, ipv4, ipv6 };

/// Classifies a host that is already in normalize_host() form (result undefined otherwise).
HostKind host_kind(std::string_view normalized_host);

}  // namespace edugate::rules
