#pragma once

#include <string>
#include <vector>

#include "rules/rule_set.hpp"

namespace edugate::rules::update {

/// What a new department bundle must pass before it is swapped in, beyond loading cleanly.
struct SelfTestLimits {
  /// The share of entries the rule set may lose against the one serving, unless the metadata
  /// says the department cut its lists on purpose (allow_shrink).
  double max_shrink = 0.5;
  bool allow_shrink = false;
};

/// Total domain, URL-prefix, regex and keyword entries over all categories.
std::uint64_t entry_count(const RuleSet& rules);

/// Runs the self-test of `candidate` against `serving` (null before the first bundle): every
/// mandatory category of either set still exists in the candidate, has entries, and blocks at
/// least one of its own domains in every group (decide() on Monday 10:00); the entry count has
/// not fallen by more than limits.max_shrink. Returns one line per failure (empty: passed). Pure.
std::vector<std::string> self_test(const RuleSet& candidate, const RuleSet* serving,
                                   const SelfTestLimits& limits);

}  // namespace edugate::rules::update
