#include "rules/compiled/name_table.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace edugate::rules::compiled {

namespace {

constexpr std::size_t kInitialCapacity = 16;
constexpr std::size_t kRecordOverhead = 9;  // length byte + two u32 payload words

/// Slot count for `names` entries at a load factor of at most 0.8 (the 32-bit tags in the
/// slots keep probe chains cheap at that load).
std::size_t capacity_for(std::size_t names) {
  std::size_t capacity = kInitialCapacity;
  while (capacity * 4 < names * 5) capacity *= 2;
  return capacity;
}

}  // namespace

NameTableBuilder::NameTableBuilder() { rehash(kInitialCapacity); }

std::uint64_t NameTableBuilder::probe(std::string_view name, std::uint64_t hash,
                                      bool& found) const noexcept {
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
    const std::uint64_t slot = slots_[i];
    found = false;
    if (slot == 0) return i;
    if (static_cast<std::uint32_t>(slot >> 32) != tag) continue;
    const char* record = arena_.data() + (static_cast<std::uint32_t>(slot) - 1);
    if (static_cast<unsigned char>(record[0]) == name.size() &&
        std::memcmp(record + 1, name.data(), name.size()) == 0) {
      found = true;
      return i;
    }
  }
}

std::uint32_t NameTableBuilder::intern(std::string_view name, bool& inserted) {
  const std::uint64_t hash = hash_name(name);
  bool found = false;
  std::uint64_t i = probe(name, hash, found);
  if (found) {
    std::uint32_t index = 0;
    const char* record = arena_.data() + (static_cast<std::uint32_t>(slots_[i]) - 1);
    std::memcpy(&index, record + 1 + name.size(), 4);  // builder keeps the index as payload
    inserted = false;
    return index;
  }
  if ((offsets_.size() + 1) * 5 > slots_.size() * 4) {
    rehash(slots_.size() * 2);
    i = probe(name, hash, found);
  }
  const std::size_t offset = arena_.size();
  if (offset + name.size() + kRecordOverhead >= std::numeric_limits<std::uint32_t>::max())
    throw std::length_error("name table larger than 4 GiB");
  const auto index = static_cast<std::uint32_t>(offsets_.size());
  arena_.push_back(static_cast<char>(name.size()));
  arena_.insert(arena_.end(), name.begin(), name.end());
  const char* index_bytes = reinterpret_cast<const char*>(&index);
  arena_.insert(arena_.end(), index_bytes, index_bytes + 4);
  arena_.insert(arena_.end(), 4, '\0');
  offsets_.push_back(static_cast<std::uint32_t>(offset));
  hashes_.push_back(hash);
  slots_[i] = ((hash >> 32) << 32) | (offset + 1);
  inserted = true;
  return index;
}

std::optional<std::uint32_t> NameTableBuilder::find(std::string_view name) const noexcept {
  if (name.size() > NameTable::kMaxName) return std::nullopt;
  bool found = false;
  const std::uint64_t i = probe(name, hash_name(name), found);
  if (!found) return std::nullopt;
  std::uint32_t index = 0;
  std::memcpy(&index, arena_.data() + (static_cast<std::uint32_t>(slots_[i]) - 1) + 1 + name.size(),
              4);
  return index;
}

void NameTableBuilder::reserve_more(std::size_t more) {
  // Geometric growth: callers reserve once per list file, and there may be hundreds of files.
  const std::size_t wanted = capacity_for(offsets_.size() + more);
  if (wanted > slots_.size()) rehash(std::max(wanted, 2 * slots_.size()));
  if (offsets_.size() + more > offsets_.capacity()) {
    offsets_.reserve(std::max(offsets_.size() + more, 2 * offsets_.capacity()));
    hashes_.reserve(offsets_.capacity());
  }
}

std::string_view NameTableBuilder::name(std::uint32_t index) const noexcept {
  const std::uint32_t offset = offsets_[index];
  return {arena_.data() + offset + 1, static_cast<unsigned char>(arena_[offset])};
}

void NameTableBuilder::rehash(std::size_t capacity) {
  slots_.assign(capacity, 0);
  mask_ = capacity - 1;
  for (std::size_t index = 0; index < offsets_.size(); ++index) {
    const std::uint64_t hash = hashes_[index];
    std::uint64_t i = hash & mask_;
    while (slots_[i] != 0) i = (i + 1) & mask_;
    slots_[i] = ((hash >> 32) << 32) | (offsets_[index] + 1);
  }
}

NameTable NameTableBuilder::freeze(std::span<const NamePayload> payloads) {
  for (std::size_t index = 0; index < offsets_.size(); ++index) {
    const std::uint32_t offset = offsets_[index];
    char* payload = arena_.data() + offset + 1 + static_cast<unsigned char>(arena_[offset]);
    std::memcpy(payload, &payloads[index].first, 4);
    std::memcpy(payload + 4, &payloads[index].count, 4);
  }
  NameTable table;
  table.size_ = offsets_.size();
  table.mask_ = mask_;
  arena_.shrink_to_fit();
  table.arena_ = std::move(arena_);
  table.slots_ = std::move(slots_);
  *this = NameTableBuilder();
  return table;
}

}  // namespace edugate::rules::compiled
