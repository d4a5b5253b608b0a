#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "reporting/hyperloglog.hpp"

namespace edugate::reporting {

/// Distinct devices of one cell: an exact set of device keys while small, promoted to a
/// HyperLogLog after kExactLimit distinct keys. Because k (the suppression threshold) may not
/// exceed kExactLimit, every "fewer than k devices?" decision is made on an exact count: HLL
/// error can only ever affect counts already known to exceed kExactLimit. Lives only in RAM.
/// Not thread-safe; one owner.
class DistinctCounter {
 public:
  static constexpr std::size_t kExactLimit = 64;

  /// Adds one device key (0 is ignored: an unknown device).
  void add(std::uint64_t device);
  /// Adds every device `other` has seen.
  void merge(const DistinctCounter& other);
  /// Exact count up to kExactLimit; above it the HLL estimate, but never less than
  /// kExactLimit + 1 (the exact count reached when it was promoted).
  std::uint64_t count() const;
  bool exact() const noexcept { return !hll_; }

 private:
  void promote();

  std::vector<std::uint64_t> exact_;
  std::unique_ptr<HyperLogLog> hll_;
};

}  // namespace edugate::reporting
