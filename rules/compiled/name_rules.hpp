#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "rules/compiled/host_suffixes.hpp"
#include "rules/compiled/name_table.hpp"
#include "rules/ids.hpp"

namespace edugate::rules::compiled {

/// Immutable name → list of RuleIds (search keywords, exception domains). The RuleIds index the
/// rule store, which says what each rule belongs to. Thread-safe for concurrent reads.
class NameRules {
 public:
  /// Rules stored under exactly `name`. Never allocates.
  std::span<const RuleId> find(std::string_view name) const noexcept {
    if (const auto p = names_.find(name)) return {rules_.data() + p->first, p->count};
    return {};
  }
  /// Calls f(rule_id, suffix_index) for every rule under the host or one of its parents,
  /// longest first. Never allocates.
  template <typename F>
  void match(const HostSuffixes& host, F&& f) const {
    host.probe(names_, [&](std::size_t suffix, NamePayload p) {
      for (std::uint32_t i = p.first; i < p.first + p.count; ++i) f(rules_[i], suffix);
    });
  }
  std::size_t name_count() const noexcept { return names_.size(); }
  bool empty() const noexcept { return names_.size() == 0; }

 private:
  friend class NameRulesBuilder;
  NameTable names_;
  std::vector<RuleId> rules_;
};

/// Collects (name, rule) pairs; several rules may share a name. Not thread-safe.
class NameRulesBuilder {
 public:
  /// Precondition: name.size() <= NameTable::kMaxName.
  void add(std::string_view name, RuleId rule);
  /// Whether `name` itself is present.
  bool contains(std::string_view name) const noexcept { return names_.find(name).has_value(); }
  NameRules freeze();

 private:
  NameTableBuilder names_;
  std::vector<std::vector<RuleId>> rules_;  ///< per name index; small collections only
};

}  // namespace edugate::rules::compiled
