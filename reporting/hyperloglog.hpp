#pragma once

#include <array>
#include <cstdint>

namespace edugate::reporting {

/// HyperLogLog (Flajolet et al. 2007) with 2^12 one-byte registers (4 KiB): estimates the number
/// of distinct 64-bit hashes added with a standard error of 1.04/sqrt(4096) ≈ 1.6%, using the
/// linear-counting correction for small cardinalities. Not thread-safe; one owner.
class HyperLogLog {
 public:
  static constexpr int kPrecision = 12;
  static constexpr std::size_t kRegisters = std::size_t{1} << kPrecision;
  /// Relative standard error of estimate().
  static constexpr double kStandardError = 1.04 / 64.0;

  /// Adds a hash (any 64-bit value; it is re-mixed, so sequential inputs are fine).
  void add(std::uint64_t hash) noexcept;
  /// Register-wise maximum: afterwards this estimates the size of the union.
  void merge(const HyperLogLog& other) noexcept;
  /// Estimated number of distinct hashes added.
  double estimate() const noexcept;

 private:
  std::array<std::uint8_t, kRegisters> registers_{};
};

/// Mixes a 64-bit value so that every output bit depends on every input bit (splitmix64
/// finaliser). Pure.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

}  // namespace edugate::reporting
