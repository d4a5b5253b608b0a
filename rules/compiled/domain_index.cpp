#include "rules/compiled/domain_index.hpp"

#include <algorithm>

namespace edugate::rules::compiled {

bool DomainIndexBuilder::add(std::string_view domain, CategoryId category, std::uint16_t source,
                             std::uint32_t line_col) {
  bool inserted = false;
  const std::uint32_t index = names_.intern(domain, inserted);
  if (inserted) {
    heads_.push_back(0);
  } else {
    for (std::uint32_t at = heads_[index]; at != 0; at = pending_[at - 1].next)
      if (pending_[at - 1].category == category) return false;
  }
  pending_.push_back({heads_[index], line_col, source, category});
  heads_[index] = static_cast<std::uint32_t>(pending_.size());
  return true;
}

void DomainIndexBuilder::reserve_more(std::size_t more) {
  names_.reserve_more(more);
  heads_.reserve(heads_.size() + more);
  pending_.reserve(pending_.size() + more);
}

DomainIndex DomainIndexBuilder::freeze() {
  DomainIndex index;
  index.rules_.reserve(pending_.size());
  std::vector<NamePayload> payloads(heads_.size());
  for (std::uint32_t name = 0; name < heads_.size(); ++name) {
    const auto first = static_cast<std::uint32_t>(index.rules_.size());
    for (std::uint32_t at = heads_[name]; at != 0; at = pending_[at - 1].next) {
      const Pending& p = pending_[at - 1];
      index.rules_.push_back({names_.record_offset(name), p.line_col, p.source, p.category});
    }
    // The chain runs newest first; keep the order the entries were written in.
    std::reverse(index.rules_.begin() + first, index.rules_.end());
    payloads[name] = {first, static_cast<std::uint32_t>(index.rules_.size()) - first};
  }
  pending_ = {};
  heads_ = {};
  index.names_ = names_.freeze(payloads);
  return index;
}

}  // namespace edugate::rules::compiled
