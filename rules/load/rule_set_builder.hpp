#pragma once

#include <cstdint>
#include <memory>

#include "rules/load/build_state.hpp"
#include "rules/load/file_provider.hpp"
#include "rules/load/spec.hpp"
#include "rules/local_time.hpp"

namespace edugate::rules::load {

/// What compilation needs besides the parsed spec.
struct BuildInputs {
  const FileProvider& department_files;  ///< list files named by department categories
  const FileProvider& school_files;      ///< list files named by school categories
  std::uint64_t regex_memory = std::uint64_t{64} << 20;
  TimeZone zone;
};

/// Compiles a parsed rule set: categories and their lists, schedules, groups and policies,
/// exceptions, regex sets. Problems go to state.diags with file:line:col. Returns the tables, or
/// nullptr when any error was found (warnings alone do not stop it). Not thread-safe.
std::unique_ptr<compiled::Compiled> build_rule_set(BuildState& state, const RuleSpec& spec,
                                                   const BuildInputs& inputs);

}  // namespace edugate::rules::load
