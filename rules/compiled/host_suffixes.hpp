#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rules/compiled/name_hash.hpp"
#include "rules/compiled/name_table.hpp"

namespace edugate::rules::compiled {

/// The label-boundary suffixes of a host ("www.example.com", "example.com", "com") with their
/// hashes, computed in one right-to-left pass into fixed storage (no allocation). Only the
/// kMax shortest suffixes are kept; anything longer than that has more than 255 bytes and cannot
/// be in a NameTable. With `exact`, only the whole host is kept (IP literals).
class HostSuffixes {
 public:
  static constexpr std::size_t kMax = 128;

  HostSuffixes(std::string_view host, bool exact) noexcept : host_(host) {
    if (host.empty()) return;
    SuffixHash hash;
    for (std::size_t i = host.size(); i > 0; --i) {
      hash.push_front(host[i - 1]);
      const bool boundary = i == 1 || (!exact && host[i - 2] == '.');
      if (!boundary) continue;
      if (count_ == kMax) break;
      start_[count_] = i - 1;
      hash_[count_] = hash.value();
      ++count_;
    }
  }

  std::size_t size() const noexcept { return count_; }
  /// The i-th suffix counted from the longest (0 = the whole host when it fits).
  std::string_view suffix(std::size_t i) const noexcept {
    return host_.substr(start_[count_ - 1 - i]);
  }
  std::uint64_t hash(std::size_t i) const noexcept { return hash_[count_ - 1 - i]; }
  std::string_view host() const noexcept { return host_; }
  /// True when `name` is the host or one of its label-boundary suffixes.
  bool has_suffix(std::string_view name) const noexcept {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < count_; ++i)
      if (suffix(i) == name) return true;
    return false;
  }

  /// Looks every suffix up in `table`, longest first, calling f(suffix_index, payload).
  template <typename F>
  void probe(const NameTable& table, F&& f) const {
    for (std::size_t i = 0; i < count_; ++i) {
      const std::string_view name = suffix(i);
      if (name.size() > NameTable::kMaxName) continue;
      if (const auto payload = table.find(name, hash(i))) f(i, *payload);
    }
  }

 private:
  std::string_view host_;
  std::array<std::uint64_t, kMax> hash_;
  std::array<std::size_t, kMax> start_;
  std::size_t count_ = 0;
};

}  // namespace edugate::rules::compiled
