#include "reporting/distinct_counter.hpp"

#include <algorithm>
#include <cmath>

namespace edugate::reporting {

void DistinctCounter::add(std::uint64_t device) {
  if (device == 0) return;
  if (hll_) {
    hll_->add(device);
    return;
  }
  if (std::find(exact_.begin(), exact_.end(), device) != exact_.end()) return;
  exact_.push_back(device);
  if (exact_.size() > kExactLimit) promote();
}

void DistinctCounter::promote() {
  hll_ = std::make_unique<HyperLogLog>();
  for (const auto d : exact_) hll_->add(d);
  exact_.clear();
  exact_.shrink_to_fit();
}

void DistinctCounter::merge(const DistinctCounter& other) {
  if (other.hll_) {
    if (!hll_) promote();
    hll_->merge(*other.hll_);
    return;
  }
  for (const auto d : other.exact_) add(d);
}

std::uint64_t DistinctCounter::count() const {
  if (!hll_) return exact_.size();
  const auto estimate = static_cast<std::uint64_t>(std::llround(hll_->estimate()));
  return std::max<std::uint64_t>(estimate, kExactLimit + 1);
}

}  // namespace edugate::reporting
