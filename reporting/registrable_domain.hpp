#pragma once

#include <array>
#include <string_view>

struct psl_ctx_st;

namespace edugate::reporting {

/// Scratch space for registrable_domain(): host names are at most 253 bytes.
using DomainBuffer = std::array<char, 256>;

/// The registrable domain ("eTLD+1", e.g. `sub.example.com.vn` → `example.com.vn`) of a
/// normalised host name, by the Public Suffix List built into libpsl. An IP literal or a host that
/// is itself a public suffix is returned unchanged; a host too long for a DNS name yields "".
/// The result points into `buffer` or `host`. Thread-safe (libpsl's built-in list is read-only),
/// no allocation.
std::string_view registrable_domain(std::string_view host, DomainBuffer& buffer) noexcept;

}  // namespace edugate::reporting
