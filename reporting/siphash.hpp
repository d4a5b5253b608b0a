#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace edugate::reporting {

/// A 128-bit SipHash key as two little-endian 64-bit words.
using SipKey = std::array<std::uint64_t, 2>;

/// SipHash-2-4 (Aumasson & Bernstein) of `data` under `key`: a keyed pseudo-random function,
/// so without the key the output cannot be linked back to the input. Pure, thread-safe,
/// no allocation.
std::uint64_t siphash24(const SipKey& key, std::span<const std::uint8_t> data) noexcept;

}  // namespace edugate::reporting
