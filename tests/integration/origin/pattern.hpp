#pragma once

// The deterministic body the test origin serves from /bytes/<n>: byte i is 'a' + i % 26. Shared
// by the origin and the tests, so a test can check every byte it received without a reference
// file.

#include <cstddef>
#include <cstdint>
#include <string>

namespace edugate::itest {

/// Byte `offset` of every /bytes/<n> body.
constexpr char pattern_byte(std::uint64_t offset) { return static_cast<char>('a' + offset % 26); }

/// Fills `out[0, size)` with the pattern starting at `offset`.
inline void fill_pattern(char* out, std::size_t size, std::uint64_t offset) {
  for (std::size_t i = 0; i < size; ++i) out[i] = pattern_byte(offset + i);
}

/// The first `size` bytes of the pattern (tests; the origin never builds a whole body).
inline std::string pattern_string(std::size_t size) {
  std::string s(size, '\0');
  fill_pattern(s.data(), size, 0);
  return s;
}

}  // namespace edugate::itest
