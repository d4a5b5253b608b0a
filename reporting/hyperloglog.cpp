#include "reporting/hyperloglog.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace edugate::reporting {

void HyperLogLog::add(std::uint64_t hash) noexcept {
  const std::uint64_t h = mix64(hash);
  const auto index = static_cast<std::size_t>(h >> (64 - kPrecision));
  // Rank = position of the first 1 bit in the remaining 52 bits (1-based); a sentinel bit
  // caps it at 53 when they are all zero.
  const std::uint64_t rest = (h << kPrecision) | (std::uint64_t{1} << (kPrecision - 1));
  const auto rank = static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void HyperLogLog::merge(const HyperLogLog& other) noexcept {
  for (std::size_t i = 0; i < kRegisters; ++i)
    registers_[i] = std::max(registers_[i], other.registers_[i]);
}

double HyperLogLog::estimate() const noexcept {
  constexpr double m = static_cast<double>(kRegisters);
  constexpr double alpha = 0.7213 / (1.0 + 1.079 / m);
  double sum = 0;
  int zeros = 0;
  for (const auto r : registers_) {
    sum += std::ldexp(1.0, -static_cast<int>(r));
    zeros += r == 0;
  }
  const double raw = alpha * m * m / sum;
  if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / zeros);
  return raw;
}

}  // namespace edugate::reporting
