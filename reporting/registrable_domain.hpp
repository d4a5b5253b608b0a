#pragma once

#include <array>
#include <string_view>

struct psl_ctx_st;

namespace edugate::reporting {

/// Scratch space for registrable_domain(): host names are at most 253 bytes.
using DomainBuffer = std::array<char, 256>;

/// What an IP-literal host is counted as: an address is no domain, and a full IPv6 address can
/// carry a device's MAC (EUI-64), so no address ever reaches the store.
inline constexpr std::string_view kBareIp = "bare-ip";

/// The registrable domain ("eTLD+1", e.g. `sub.example.com.vn` → `example.com.vn`) of a
/// normalised host name, by the Public Suffix List built into libpsl. An IP literal (IPv6, or a
/// name whose last label is all digits, as no top-level domain is) gives kBareIp; a host that is
/// itself a public suffix is returned unchanged; a host too long for a DNS name yields "".
/// The result points into `buffer` or `host`. Thread-safe (libpsl's built-in list is read-only),
/// no allocation.
std::string_view registrable_domain(std::string_view host, DomainBuffer& buffer) noexcept;

/// True when `host` is itself a public suffix (`com.vn`, `github.io`, `vercel.app`): anyone can
/// register a name under it. Thread-safe, no allocation.
bool is_public_suffix(std::string_view host) noexcept;

}  // namespace edugate::reporting
