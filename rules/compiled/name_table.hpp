#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "rules/compiled/name_hash.hpp"

namespace edugate::rules::compiled {

/// What a NameTable maps a name to: a range [first, first + count) in an array its owner keeps.
struct NamePayload {
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

/// Immutable flat open-addressing hash table from names (at most 255 bytes) to a NamePayload.
/// Slots are 8 bytes (32-bit hash tag + record offset); names and payloads sit back to back in
/// one arena as records `[u8 length][name][u32 first][u32 count]`, so a probe touches one slot
/// and, on a tag hit, one record. Built by NameTableBuilder. Thread-safe for concurrent reads.
class NameTable {
 public:
  static constexpr std::size_t kMaxName = 255;

  /// Looks `name` up given its hash_name()/SuffixHash value. Never allocates.
  std::optional<NamePayload> find(std::string_view name, std::uint64_t hash) const noexcept {
    if (slots_.empty() || name.size() > kMaxName) return std::nullopt;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    for (std::uint64_t i = hash & mask_;; i = (i + 1) & mask_) {
      const std::uint64_t slot = slots_[i];
      if (slot == 0) return std::nullopt;
      if (static_cast<std::uint32_t>(slot >> 32) != tag) continue;
      const char* record = arena_.data() + (static_cast<std::uint32_t>(slot) - 1);
      if (static_cast<unsigned char>(record[0]) != name.size() ||
          std::memcmp(record + 1, name.data(), name.size()) != 0)
        continue;
      NamePayload payload;
      std::memcpy(&payload.first, record + 1 + name.size(), 4);
      std::memcpy(&payload.count, record + 5 + name.size(), 4);
      return payload;
    }
  }
  std::optional<NamePayload> find(std::string_view name) const noexcept {
    return find(name, hash_name(name));
  }

  /// The name stored in the record at `offset` (a value from NameTableBuilder::record_offset).
  std::string_view name_at(std::uint32_t offset) const noexcept {
    const auto length = static_cast<unsigned char>(arena_[offset]);
    return {arena_.data() + offset + 1, length};
  }

  /// Calls f(name, payload) for every entry, in insertion order.
  template <typename F>
  void for_each(F&& f) const {
    for (std::size_t at = 0; at < arena_.size();) {
      const auto length = static_cast<unsigned char>(arena_[at]);
      NamePayload payload;
      std::memcpy(&payload.first, arena_.data() + at + 1 + length, 4);
      std::memcpy(&payload.count, arena_.data() + at + 5 + length, 4);
      f(std::string_view(arena_.data() + at + 1, length), payload);
      at += 9 + length;
    }
  }

  std::size_t size() const noexcept { return size_; }
  /// Bytes held by slots and arena.
  std::size_t memory_bytes() const noexcept {
    return slots_.capacity() * sizeof(std::uint64_t) + arena_.capacity();
  }

 private:
  friend class NameTableBuilder;
  std::vector<std::uint64_t> slots_;  ///< (tag << 32) | (record offset + 1); 0 = empty
  std::vector<char> arena_;
  std::uint64_t mask_ = 0;
  std::size_t size_ = 0;
};

/// Builds a NameTable: interns names (dense indices in insertion order), then freezes with one
/// payload per index. Not thread-safe; used once, off the hot path.
class NameTableBuilder {
 public:
  NameTableBuilder();

  /// Index of `name`, inserting it when new (`inserted` tells which). Precondition:
  /// name.size() <= NameTable::kMaxName. Throws std::length_error past 4 GiB of names.
  std::uint32_t intern(std::string_view name, bool& inserted);
  /// Index of `name` if present.
  std::optional<std::uint32_t> find(std::string_view name) const noexcept;
  /// Makes room for `more` additional names without rehashing.
  void reserve_more(std::size_t more);

  std::size_t size() const noexcept { return offsets_.size(); }
  std::string_view name(std::uint32_t index) const noexcept;
  /// hash_name() of name(index), kept from interning.
  std::uint64_t hash(std::uint32_t index) const noexcept { return hashes_[index]; }
  /// Offset of the record for `index`; stays valid in the frozen table (NameTable::name_at).
  std::uint32_t record_offset(std::uint32_t index) const noexcept { return offsets_[index]; }

  /// Writes payloads[i] for every name index i and returns the table. Precondition:
  /// payloads.size() == size(). Leaves the builder empty.
  NameTable freeze(std::span<const NamePayload> payloads);

 private:
  /// Slot holding `name`, or the empty slot where it would go (`found` tells which).
  std::uint64_t probe(std::string_view name, std::uint64_t hash, bool& found) const noexcept;
  void rehash(std::size_t capacity);

  std::vector<std::uint64_t> slots_;
  std::vector<char> arena_;
  std::vector<std::uint32_t> offsets_;  ///< name index → record offset
  std::vector<std::uint64_t> hashes_;   ///< name index → hash (rehashing reads no names)
  std::uint64_t mask_ = 0;
};

}  // namespace edugate::rules::compiled
