#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace edugate::rules::compiled {

/// Hashing of names for NameTable. The hash runs right to left over the bytes, so walking a host
/// from its end yields the hash of every suffix ("com", "example.com", "www.example.com") in one
/// pass: the cost of a suffix lookup is per label, not per rule.
class SuffixHash {
 public:
  /// Feeds one byte that precedes everything fed so far.
  void push_front(char c) noexcept {
    state_ = (state_ ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
  }
  /// Hash of the bytes fed so far (finalised; the running state is unchanged).
  std::uint64_t value() const noexcept {
    std::uint64_t h = state_;  // murmur3 fmix64: FNV alone leaves the low bits weak
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
  }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ull;
};

/// Hash of a whole name, equal to the SuffixHash value after feeding all of it.
inline std::uint64_t hash_name(std::string_view name) noexcept {
  SuffixHash h;
  for (std::size_t i = name.size(); i > 0; --i) h.push_front(name[i - 1]);
  return h.value();
}

}  // namespace edugate::rules::compiled
