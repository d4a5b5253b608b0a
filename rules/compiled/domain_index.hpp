#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <vector>

#include "rules/compiled/host_suffixes.hpp"
#include "rules/compiled/name_table.hpp"
#include "rules/ids.hpp"

namespace edugate::rules::compiled {

/// One (domain, category) entry as a match reports it.
struct DomainHit {
  std::uint32_t index = 0;  ///< 0 .. rule_count() - 1, dense, in domain insertion order
  CategoryId category = kNoCategory;
  std::uint16_t source = 0;  ///< index of the file it came from
  std::uint32_t line = 0;    ///< 1-based; 0 = unknown
};

/// Immutable domain → categories table, packed for millions of entries: a flat open-addressing
/// table of 8-byte slots (32-bit hash tag + record offset) over one arena of records
///   [u8 length][name][u32 first rule index][u8 count][count × {u16 category, u16 source,
///   u32 line}]
/// so that a probe touches one slot and, on a tag hit, one record holding everything a match
/// needs. A domain matches itself and every subdomain (label boundaries only). Thread-safe for
/// concurrent reads.
class DomainIndex {
 public:
  /// Calls f(const DomainHit&, suffix_index) for every entry whose domain is the host or a
  /// parent of it, longest domain first. Never allocates.
  template <typename F>
  void match(const HostSuffixes& host, F&& f) const {
    if (slots_.empty()) return;
    // The slots of all suffixes are fetched at once: their cache misses overlap.
    for (std::size_t i = 0; i < host.size(); ++i) __builtin_prefetch(&slots_[host.hash(i) & mask_]);
    for (std::size_t i = 0; i < host.size(); ++i) {
      const std::string_view name = host.suffix(i);
      if (name.size() > NameTable::kMaxName) continue;
      const char* record = find(name, host.hash(i));
      if (!record) continue;
      const char* p = record + 1 + name.size();
      std::uint32_t first = 0;
      std::memcpy(&first, p, 4);
      const auto count = static_cast<unsigned char>(p[4]);
      for (unsigned k = 0; k < count; ++k) f(read_tuple(p + 5 + 8 * k, first + k), i);
    }
  }

  /// The entry with dense index `index` and its domain. Precondition: index < rule_count().
  /// O(32) record steps; not for the hot path.
  std::pair<DomainHit, std::string_view> entry(std::uint32_t index) const noexcept;

  std::size_t domain_count() const noexcept { return domains_; }
  std::size_t rule_count() const noexcept { return rules_; }
  std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * 8 + arena_.capacity() + checkpoints_.capacity() * 8;
  }

 private:
  friend class DomainIndexBuilder;
  static constexpr std::uint32_t kCheckpointEvery = 32;  ///< records between checkpoints

  const char* find(std::string_view name, std::uint64_t hash) const noexcept {
    if (slots_.empty()) return nullptr;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) return nullptr;
      if (static_cast<std::uint32_t>(slot >> 32) != tag) continue;
      const char* record = arena_.data() + (static_cast<std::uint32_t>(slot) - 1);
      if (static_cast<unsigned char>(record[0]) == name.size() &&
          std::memcmp(record + 1, name.data(), name.size()) == 0)
        return record;
    }
  }
  static DomainHit read_tuple(const char* t, std::uint32_t index) noexcept {
    DomainHit h;
    h.index = index;
    std::memcpy(&h.category, t, 2);
    std::memcpy(&h.source, t + 2, 2);
    std::memcpy(&h.line, t + 4, 4);
    return h;
  }

  std::vector<std::uint64_t> slots_;  ///< (tag << 32) | (record offset + 1); 0 = empty
  std::vector<char> arena_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> checkpoints_;  ///< (first index, offset)
  std::uint64_t mask_ = 0;
  std::size_t domains_ = 0;
  std::size_t rules_ = 0;
};

/// Collects (domain, category) pairs. Not thread-safe; used once off the hot path.
class DomainIndexBuilder {
 public:
  /// Adds `domain` (normalised, at most 255 bytes) to `category`. Returns false when the domain
  /// is already in that category (a duplicate: the first position is kept).
  bool add(std::string_view domain, CategoryId category, std::uint16_t source, std::uint32_t line);
  /// Room for `more` domains (a list's entry count); grows geometrically.
  void reserve_more(std::size_t more);
  std::size_t domain_count() const noexcept { return names_.size(); }
  /// Freezes into the packed index; leaves the builder empty.
  DomainIndex freeze();

 private:
  struct Pending {
    std::uint32_t next = 0;  ///< index + 1 of the previous entry of the same domain; 0 = none
    std::uint32_t line = 0;
    std::uint16_t source = 0;
    CategoryId category = kNoCategory;
  };
  NameTableBuilder names_;
  std::vector<std::uint32_t> heads_;  ///< per name index: index + 1 of its newest entry
  std::vector<Pending> pending_;
};

}  // namespace edugate::rules::compiled
