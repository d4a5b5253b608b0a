#include "reporting/flush_batch.hpp"

#include <algorithm>

namespace edugate::reporting {

void FlushBatch::absorb(FlushBatch&& later) {
  for (auto& [cell, n] : later.counts) counts[cell] += n;
  for (auto& [cell, n] : later.devices) {
    auto& mine = devices[cell];
    mine = std::max(mine, n);
  }
  versions.merge(later.versions);
  bundles.merge(later.bundles);
  for (auto& [key, label] : later.categories) categories[key] = std::move(label);
  for (auto& [key, label] : later.groups) groups[key] = std::move(label);
  later = FlushBatch{};
}

}  // namespace edugate::reporting
