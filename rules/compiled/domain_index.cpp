#include "rules/compiled/domain_index.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace edugate::rules::compiled {

namespace {

template <typename T>
void grow(std::vector<T>& v, std::size_t more) {
  if (v.size() + more > v.capacity()) v.reserve(std::max(v.size() + more, 2 * v.capacity()));
}

std::size_t slot_count_for(std::size_t names) {
  std::size_t n = 16;
  while (n * 4 < names * 5) n *= 2;  // load factor at most 0.8
  return n;
}

}  // namespace

std::pair<DomainHit, std::string_view> DomainIndex::entry(std::uint32_t index) const noexcept {
  auto it = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), index,
                             [](std::uint32_t i, const auto& c) { return i < c.first; });
  std::size_t at = std::prev(it)->second;
  for (;;) {
    const auto length = static_cast<unsigned char>(arena_[at]);
    const char* p = arena_.data() + at + 1 + length;
    std::uint32_t first = 0;
    std::memcpy(&first, p, 4);
    const auto count = static_cast<unsigned char>(p[4]);
    if (index < first + count)
      return {read_tuple(p + 5 + 8 * (index - first), index), {arena_.data() + at + 1, length}};
    at += 1 + length + 5 + 8 * count;
  }
}

bool DomainIndexBuilder::add(std::string_view domain, CategoryId category, std::uint16_t source,
                             std::uint32_t line) {
  bool inserted = false;
  const std::uint32_t index = names_.intern(domain, inserted);
  if (inserted) {
    heads_.push_back(0);
  } else {
    unsigned count = 0;
    for (std::uint32_t at = heads_[index]; at != 0; at = pending_[at - 1].next, ++count)
      if (pending_[at - 1].category == category) return false;
    if (count == 255) return false;  // a record holds at most 255 categories
  }
  pending_.push_back({heads_[index], line, source, category});
  heads_[index] = static_cast<std::uint32_t>(pending_.size());
  return true;
}

void DomainIndexBuilder::reserve_more(std::size_t more) {
  names_.reserve_more(more);
  grow(heads_, more);
  grow(pending_, more);
}

DomainIndex DomainIndexBuilder::freeze() {
  DomainIndex idx;
  idx.domains_ = heads_.size();
  idx.rules_ = pending_.size();
  idx.slots_.assign(slot_count_for(heads_.size()), 0);
  idx.mask_ = idx.slots_.size() - 1;
  std::size_t bytes = 8 * pending_.size();
  for (std::uint32_t name = 0; name < heads_.size(); ++name) bytes += 6 + names_.name(name).size();
  idx.arena_.reserve(bytes);
  std::vector<Pending> chain;
  std::uint32_t next_index = 0;
  for (std::uint32_t name = 0; name < heads_.size(); ++name) {
    chain.clear();
    for (std::uint32_t at = heads_[name]; at != 0; at = pending_[at - 1].next)
      chain.push_back(pending_[at - 1]);
    std::reverse(chain.begin(), chain.end());  // the order the entries were written in
    const std::size_t offset = idx.arena_.size();
    if (offset > std::numeric_limits<std::int32_t>::max())
      throw std::length_error("domain table larger than 2 GiB");
    const std::string_view domain = names_.name(name);
    if (name % DomainIndex::kCheckpointEvery == 0)
      idx.checkpoints_.emplace_back(next_index, static_cast<std::uint32_t>(offset));
    idx.arena_.push_back(static_cast<char>(domain.size()));
    idx.arena_.insert(idx.arena_.end(), domain.begin(), domain.end());
    const char* first_bytes = reinterpret_cast<const char*>(&next_index);
    idx.arena_.insert(idx.arena_.end(), first_bytes, first_bytes + 4);
    idx.arena_.push_back(static_cast<char>(chain.size()));
    for (const Pending& p : chain) {
      char tuple[8];
      std::memcpy(tuple, &p.category, 2);
      std::memcpy(tuple + 2, &p.source, 2);
      std::memcpy(tuple + 4, &p.line, 4);
      idx.arena_.insert(idx.arena_.end(), tuple, tuple + 8);
    }
    next_index += static_cast<std::uint32_t>(chain.size());
    const std::uint64_t hash = names_.hash(name);
    std::uint64_t i = hash & idx.mask_;
    while (idx.slots_[i] != 0) i = (i + 1) & idx.mask_;
    idx.slots_[i] = ((hash >> 32) << 32) | (offset + 1);
  }
  idx.arena_.shrink_to_fit();
  *this = DomainIndexBuilder();
  return idx;
}

}  // namespace edugate::rules::compiled
