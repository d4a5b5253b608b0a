#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/decision.hpp"
#include "rules/request_facts.hpp"
#include "rules/rule_set.hpp"

namespace edugate::rules {

/// One rule that matched the request, with what the group's policy makes of it.
struct ExplainedMatch {
  RuleId rule = kNoRule;  ///< the entry (for URL regexes the exact pattern)
  CategoryId category = kNoCategory;
  std::string matched_on;  ///< e.g. "host www.fb88.com", "SNI x.com", "search terms 'co bac'"
  Action action = Action::allow;  ///< the group's action for the category at that time
  bool mandatory = false;
  bool scheduled = false;        ///< the action comes from a schedule that is active now
  RuleId policy_rule = kNoRule;  ///< the policy line behind `action` (kNoRule: default allow)
  bool excepted = false;         ///< lifted by a school exception
};

/// Why decide() decided what it did, for `edugate explain` and the admin.
struct Explanation {
  Decision decision;  ///< exactly what decide() returns for the same facts
  GroupId group = kDefaultGroup;
  std::vector<ExplainedMatch> matches;  ///< strongest first
  std::optional<RuleId> exception;      ///< the school exception that applied, if any
  std::vector<std::string> notes;       ///< fail-closed conditions, safe-search rewrites
  std::string precedence;               ///< which precedence step chose the decision, in words
};

/// Lists every rule that matches `facts` and how precedence chose among them. Pure but
/// allocates: not for the hot path. Thread-safe. Same preconditions as decide().
Explanation explain(const RuleSet& rules, const RequestFacts& facts);

/// Human-readable multi-line text of an explanation (English; labels in both languages).
std::string format_explanation(const RuleSet& rules, const RequestFacts& facts,
                               const Explanation& explanation);

}  // namespace edugate::rules
