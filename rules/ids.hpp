#pragma once

#include <cstdint>

namespace edugate::rules {

/// Index of a policy group in the compiled rule set (0 = the default group).
using GroupId = std::uint16_t;
/// Index of a category in the compiled rule set; kNoCategory when nothing matched.
using CategoryId = std::uint16_t;
/// Index of a rule (one list entry or one policy line) in the compiled rule set.
using RuleId = std::uint32_t;

inline constexpr CategoryId kNoCategory = 0xffff;
inline constexpr RuleId kNoRule = 0xffffffff;

}  // namespace edugate::rules
