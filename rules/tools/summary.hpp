#pragma once

#include <string>

#include "rules/rule_set.hpp"

namespace edugate::rules::tools {

/// The `edugate check` report of a loaded rule set: version, totals, one line per category
/// (labels, mandatory, entry counts) and one per group (age band, networks, safe search, what its
/// policy blocks and warns on Monday 10:00 and Saturday 10:00). Pure.
std::string format_summary(const RuleSet& rules);

}  // namespace edugate::rules::tools
