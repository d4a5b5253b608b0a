#pragma once

#include <cstdint>
#include <string_view>

#include "rules/ids.hpp"

namespace edugate::rules {

enum class Action : std::uint8_t { allow, block, warn, safe_search };

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
