#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rules/compiled/week_schedule.hpp"
#include "rules/decision.hpp"
#include "rules/ids.hpp"
#include "rules/request_facts.hpp"

namespace edugate::rules::compiled {

/// A category's action in a group, switched by a schedule: inside the schedule's windows (or
/// outside them, when `outside`) the action replaces the category's base action.
struct ScheduledAction {
  std::uint16_t schedule = 0;
  bool outside = false;
  std::uint8_t layer = 0;  ///< 0 = department profile, 1 = school group: the school wins
  Action action = Action::allow;
  RuleId policy_rule = kNoRule;  ///< the policy line that says so
  std::uint32_t reason = 0;      ///< index into Compiled::reasons
};

/// A category's policy in one group after layering (built-in default, department profile of the
/// group's age band, then the school's group policy).
struct CategoryPolicy {
  Action base = Action::allow;
  RuleId policy_rule = kNoRule;  ///< kNoRule: nobody mentioned it, allowed by default
  std::uint32_t reason = 0;
  std::uint16_t first_scheduled = 0;
  std::uint16_t scheduled_count = 0;
};

/// What a group's policy says about one category at one moment.
struct Verdict {
  Action action = Action::allow;
  RuleId policy_rule = kNoRule;
  std::uint32_t reason = 0;
  bool scheduled = false;
};

/// Strength order of the precedence rule: block > warn > monitor (would_block) > allow. A
/// monitored category never hides a warning or a block from another category.
inline int strength(Action a) noexcept {
  switch (a) {
    case Action::block:
      return 3;
    case Action::warn:
      return 2;
    case Action::would_block:
      return 1;
    default:
      return 0;
  }
}

/// The compiled policy of one group. Immutable after build.
struct GroupPolicy {
  std::vector<CategoryPolicy> categories;  ///< indexed by CategoryId
  std::vector<ScheduledAction> scheduled;
  RuleId safe_search_rule = kNoRule;
  std::uint32_t safe_search_reason = 0;

  /// The group's verdict on `category` at local time `at`: the base action, replaced by an
  /// active scheduled action if any (the school's over the department's; among equals the
  /// strongest). Pure, never allocates.
  Verdict verdict(CategoryId category, const LocalTime& at,
                  std::span<const WeekSchedule> schedules) const noexcept {
    const CategoryPolicy& c = categories[category];
    Verdict v{c.base, c.policy_rule, c.reason, false};
    int layer = -1;
    for (std::uint16_t i = 0; i < c.scheduled_count; ++i) {
      const ScheduledAction& s = scheduled[c.first_scheduled + i];
      if (schedules[s.schedule].contains(at) == s.outside) continue;
      if (s.layer > layer || (s.layer == layer && strength(s.action) > strength(v.action))) {
        v = {s.action, s.policy_rule, s.reason, true};
        layer = s.layer;
      }
    }
    return v;
  }
};

}  // namespace edugate::rules::compiled
