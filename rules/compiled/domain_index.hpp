#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rules/compiled/host_suffixes.hpp"
#include "rules/compiled/name_table.hpp"
#include "rules/ids.hpp"

namespace edugate::rules::compiled {

/// One domain entry of one category. 12 bytes: with 1.5 million domains every byte counts.
struct DomainRule {
  std::uint32_t record = 0;    ///< NameTable record offset of the domain (its text)
  std::uint32_t line_col = 0;  ///< (line << 8) | min(column, 255); line 0 = whole file
  std::uint16_t source = 0;    ///< index of the file it came from
  CategoryId category = kNoCategory;

  std::uint32_t line() const noexcept { return line_col >> 8; }
  std::uint32_t column() const noexcept { return line_col & 0xff; }
};

/// Packs a source position into DomainRule::line_col (lines above 16 million are clamped).
inline std::uint32_t pack_line_col(std::uint32_t line, std::uint32_t column) noexcept {
  const std::uint32_t l = line < (1u << 24) ? line : (1u << 24) - 1;
  return (l << 8) | (column < 255 ? column : 255);
}

/// Immutable domain → rules index: a domain matches itself and every subdomain. The rules of one
/// domain are contiguous in rules(). Thread-safe for concurrent reads.
class DomainIndex {
 public:
  /// Calls f(index_in_rules, const DomainRule&, suffix_index) for every rule whose domain is
  /// the host or a parent of it, longest domain first. Never allocates.
  template <typename F>
  void match(const HostSuffixes& host, F&& f) const {
    host.probe(names_, [&](std::size_t suffix, NamePayload p) {
      for (std::uint32_t r = p.first; r < p.first + p.count; ++r) f(r, rules_[r], suffix);
    });
  }
  std::string_view domain_of(const DomainRule& rule) const noexcept {
    return names_.name_at(rule.record);
  }
  std::span<const DomainRule> rules() const noexcept { return rules_; }
  std::size_t domain_count() const noexcept { return names_.size(); }
  std::size_t memory_bytes() const noexcept {
    return names_.memory_bytes() + rules_.capacity() * sizeof(DomainRule);
  }

 private:
  friend class DomainIndexBuilder;
  NameTable names_;
  std::vector<DomainRule> rules_;
};

/// Collects (domain, category) pairs. Not thread-safe; used once off the hot path.
class DomainIndexBuilder {
 public:
  /// Adds `domain` (normalised, at most 255 bytes) to `category`. Returns false when the domain
  /// is already in that category (a duplicate: the first position is kept).
  bool add(std::string_view domain, CategoryId category, std::uint16_t source,
           std::uint32_t line_col);
  /// Room for `more` domains (a list's entry count) to avoid repeated rehashing.
  void reserve_more(std::size_t more);
  /// Whether `domain` itself (not a parent) is present, in any category.
  bool contains(std::string_view domain) const noexcept { return names_.find(domain).has_value(); }
  std::size_t domain_count() const noexcept { return names_.size(); }
  /// Freezes into the index; leaves the builder empty.
  DomainIndex freeze();

 private:
  struct Pending {
    std::uint32_t next = 0;  ///< index + 1 of the previous rule of the same domain; 0 = none
    std::uint32_t line_col = 0;
    std::uint16_t source = 0;
    CategoryId category = kNoCategory;
  };
  NameTableBuilder names_;
  std::vector<std::uint32_t> heads_;  ///< per name index: index + 1 of its newest Pending rule
  std::vector<Pending> pending_;
};

}  // namespace edugate::rules::compiled
