#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace edugate::reporting {

/// Open-addressing (linear probing) index from a key's hash to the key's position in a dense
/// vector the caller owns. Keeps its memory across clear(), so a table that has reached its
/// working size never allocates again. Not thread-safe; one owner.
class DenseIndex {
 public:
  static constexpr std::uint32_t kEmpty = UINT32_MAX;

  /// Looks `hash` up; `matches(pos)` says whether the dense entry at pos is the key. Returns the
  /// position, or kEmpty with `slot` set to where insert() must put it.
  template <class Matches>
  std::uint32_t find(std::uint64_t hash, Matches&& matches, std::size_t& slot) const {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
      const auto pos = slots_[i];
      if (pos == kEmpty || matches(pos)) {
        slot = i;
        return pos;
      }
    }
  }

  /// Records that the key found missing at `slot` now lives at dense position `pos`.
  void insert(std::size_t slot, std::uint32_t pos) {
    slots_[slot] = pos;
    ++size_;
  }

  /// True when one more insert needs grow() first (load factor 1/2).
  bool full() const noexcept { return (size_ + 1) * 2 > slots_.size(); }

  /// Doubles the table and re-inserts positions 0..size-1 using `hash_of(pos)`.
  template <class HashOf>
  void grow(HashOf&& hash_of) {
    slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, kEmpty);
    const std::size_t mask = slots_.size() - 1;
    for (std::uint32_t pos = 0; pos < size_; ++pos) {
      std::size_t i = hash_of(pos) & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = pos;
    }
  }

  void clear() {
    std::fill(slots_.begin(), slots_.end(), kEmpty);
    size_ = 0;
  }

  bool empty_table() const noexcept { return slots_.empty(); }

 private:
  std::vector<std::uint32_t> slots_;
  std::uint32_t size_ = 0;
};

}  // namespace edugate::reporting
