#pragma once

// The real rules for fuzz targets that decide: a rule set loaded from YAML in memory.

#include <cstdlib>
#include <memory>

#include "rules/load/file_provider.hpp"
#include "rules/load_rules.hpp"
#include "rules/rule_set.hpp"

namespace edugate::fuzz {

/// The rule set of the `department` and `school` YAML texts; aborts when they do not load (a
/// mistake in the target, not a finding).
inline std::shared_ptr<const rules::RuleSet> load_rules_from(const char* department,
                                                             const char* school) {
  const rules::load::MemoryFiles files(
      {{"/fuzz/department.yaml", department}, {"/fuzz/school.yaml", school}}, "no such file");
  rules::RulesSettings settings;
  settings.department = "/fuzz/department.yaml";
  settings.school = "/fuzz/school.yaml";
  auto loaded = rules::load_rules(settings, files);
  if (!loaded.rules) std::abort();
  return loaded.rules;
}

}  // namespace edugate::fuzz
