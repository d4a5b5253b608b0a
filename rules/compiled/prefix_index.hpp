#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/compiled/host_suffixes.hpp"
#include "rules/compiled/name_table.hpp"
#include "rules/ids.hpp"

namespace edugate::rules::compiled {

/// True when "path[?query]" starts with `prefix` at a boundary: the prefix ends in '/', or the
/// text ends right after it, or the next character is '/' or '?'. So "/games" matches "/games",
/// "/games/x" and "/games?id=1" but not "/gamesroom". A prefix holding '?' must match the query
/// too. Never allocates.
bool matches_path_prefix(std::string_view path, std::string_view query,
                         std::string_view prefix) noexcept;

/// Immutable "host/path" prefix index (squidGuard `urls` semantics): the host matches itself and
/// its subdomains, then the path prefixes stored under that host are compared, longest first.
/// Thread-safe for concurrent reads.
class PrefixIndex {
 public:
  /// Calls f(rule_id, suffix_index) for every prefix rule matching host/path?query. Never
  /// allocates.
  template <typename F>
  void match(const HostSuffixes& host, std::string_view path, std::string_view query, F&& f) const {
    host.probe(hosts_, [&](std::size_t suffix, NamePayload p) {
      for (std::uint32_t i = p.first; i < p.first + p.count; ++i) {
        const Item& item = items_[i];
        if (matches_path_prefix(path, query, {text_.data() + item.offset, item.length}))
          f(item.rule, suffix);
      }
    });
  }
  std::size_t size() const noexcept { return items_.size(); }
  bool empty() const noexcept { return items_.empty(); }

 private:
  friend class PrefixIndexBuilder;
  struct Item {
    std::uint32_t offset = 0;  ///< into text_
    std::uint32_t length = 0;
    RuleId rule = kNoRule;
  };
  NameTable hosts_;
  std::vector<Item> items_;  ///< per host: longest prefix first
  std::vector<char> text_;
};

/// Collects ("host", "/path[?query]", rule). Not thread-safe.
class PrefixIndexBuilder {
 public:
  /// Precondition: host is normalised and at most 255 bytes; path starts with '/'.
  /// Returns false for a duplicate (same host and path); the first is kept.
  bool add(std::string_view host, std::string_view path, RuleId rule);
  PrefixIndex freeze();

 private:
  struct Pending {
    std::string path;
    RuleId rule;
  };
  NameTableBuilder hosts_;
  std::vector<std::vector<Pending>> items_;  ///< per host index
};

}  // namespace edugate::rules::compiled
