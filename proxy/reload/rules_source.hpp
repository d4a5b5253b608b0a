#pragma once

#include <memory>
#include <string>
#include <vector>

#include "proxy/config.hpp"
#include "rules/diagnostic.hpp"
#include "rules/rule_set.hpp"
#include "rules/settings.hpp"
#include "rules/update/trusted_state.hpp"

namespace edugate::rules::load {
class FileProvider;
}  // namespace edugate::rules::load

namespace edugate::proxy::server {

/// The result of reading the rule set an appliance config names.
struct RulesLoad {
  bool configured = false;                      ///< the config has a `rules:` section
  std::shared_ptr<const rules::RuleSet> rules;  ///< null when not configured or on errors
  rules::Diagnostics diagnostics;               ///< errors and warnings, file:line:col
  std::vector<std::string> watched;  ///< files and directories whose changes mean "reload"
  /// With rules.update: the accepted department bundle the rules were loaded from (none while
  /// rules.department serves, before the first bundle is accepted).
  std::optional<rules::update::AcceptedBundle> bundle;
  /// Where the department rules came from: "update" (a fetched, verified bundle), "signed" (a
  /// directory verified with rules.department_pubkey) or "local" (unverified).
  std::string department_source = "local";
  /// The school's review file (rules.review), "" when none is configured.
  std::string review_file;
  /// The config's rules.update, when it has one (what `run` starts its updater with).
  std::optional<rules::UpdateSettings> update;
};

/// What the department rules load from instead of the config's choice: a fetched bundle being
/// tried (unpacked in the state directory) and the bundle record it would become.
struct DepartmentOverride {
  std::string dir;
  rules::update::AcceptedBundle bundle;
  /// The bundle's files already in memory, keyed by their paths under `dir` (which may not be
  /// written yet): compiled from here, so that compiling and writing to disk overlap.
  const rules::load::FileProvider* files = nullptr;
};

/// Parses the `rules:` section of `config` and loads what it names. Blocking (seconds for
/// millions of entries): call it off the data plane. Thread-safe.
/// With rules.update, the department rules are the last accepted bundle in the state directory
/// (read from its state.json), or `department` when one is given. `review`, when given, is read
/// instead of rules.review (`edugate review` tries a new review file this way before it
/// replaces the old one).
RulesLoad load_configured_rules(const Config& config,
                                const std::optional<DepartmentOverride>& department = {},
                                const std::optional<std::string>& review = {});

/// Re-reads the appliance config file and loads the rule set it names now (reload). Config
/// errors come back as diagnostics; nothing else of the config is applied (that needs a restart).
RulesLoad reload_configured_rules(const std::string& config_path,
                                  const std::optional<DepartmentOverride>& department = {});

/// A cheap fingerprint (paths, sizes, modification times) of `paths` (a directory counts by its
/// own modification time: files added or removed), for change polling.
std::string fingerprint(const std::vector<std::string>& paths);

}  // namespace edugate::proxy::server
