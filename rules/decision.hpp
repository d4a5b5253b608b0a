#pragma once

#include <cstdint>
#include <string_view>

#include "rules/ids.hpp"

namespace edugate::rules {

/// What edugate does with a request. `would_block` is a category in a `monitor:` line that would
/// have blocked the request: it is let through like `allow` and counted apart, so a department can
/// try a new list for a week before it bites.
enum class Action : std::uint8_t { allow, block, warn, safe_search, would_block };

/// True when the request goes on to its origin (everything but block and warn).
constexpr bool passes(Action a) noexcept { return a != Action::block && a != Action::warn; }

/// The outcome of decide(). `reason` points into the immutable rule set that produced it, so it
/// stays valid as long as the caller holds that rule-set snapshot.
struct Decision {
  Action action = Action::allow;
  CategoryId category = kNoCategory;
  RuleId rule = kNoRule;
  std::string_view reason;
};

std::string_view to_string(Action action) noexcept;

}  // namespace edugate::rules
