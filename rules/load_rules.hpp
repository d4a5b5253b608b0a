#pragma once

#include <memory>

#include "rules/diagnostic.hpp"
#include "rules/rule_set.hpp"
#include "rules/settings.hpp"

namespace edugate::rules {

namespace load {
class FileProvider;
}  // namespace load

/// Outcome of loading: the compiled rule set, or nullptr when any error was found. Warnings (junk
/// lines in third-party lists, an implicit default group) come with a usable rule set.
struct LoadResult {
  std::shared_ptr<const RuleSet> rules;
  Diagnostics diagnostics;  ///< every error and warning, as file:line:col
};

/// Reads, checks and compiles the department rules (a file, or every *.yaml / *.yml file of a
/// directory in name order) and the school overrides named by `settings`. With a
/// department_pubkey, the department directory must carry a valid bundle.sig over exactly its
/// files (see rules/signing/bundle.hpp), and only the verified bytes are loaded. Runs off the
/// hot path (about 1 s per million list entries); thread-safe (shares nothing between calls).
LoadResult load_rules(const RulesSettings& settings);

/// Same, reading the department rules through `department` (a fetched bundle's bytes, already
/// verified, keyed by the paths they will have on disk) and the school's from the disk.
LoadResult load_rules_with_department(const RulesSettings& settings,
                                      const load::FileProvider& department);

/// Same, reading every file (rule files and lists) through `files` instead of the disk: memory
/// for tests and fuzzing, or a provider that records what was read (the proxy's reload watch).
/// department_pubkey is not supported here (reported as an error: use the overload above).
LoadResult load_rules(const RulesSettings& settings, const load::FileProvider& files);

}  // namespace edugate::rules
