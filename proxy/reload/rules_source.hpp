#pragma once

#include <memory>
#include <string>
#include <vector>

#include "proxy/config.hpp"
#include "rules/diagnostic.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// The result of reading the rule set an appliance config names.
struct RulesLoad {
  bool configured = false;                      ///< the config has a `rules:` section
  std::shared_ptr<const rules::RuleSet> rules;  ///< null when not configured or on errors
  rules::Diagnostics diagnostics;               ///< errors and warnings, file:line:col
  std::vector<std::string> watched;  ///< files and directories whose changes mean "reload"
};

/// Parses the `rules:` section of `config` and loads what it names. Blocking (seconds for
/// millions of entries): call it off the data plane. Thread-safe.
RulesLoad load_configured_rules(const Config& config);

/// Re-reads the appliance config file and loads the rule set it names now (reload). Config
/// errors come back as diagnostics; nothing else of the config is applied (that needs a restart).
RulesLoad reload_configured_rules(const std::string& config_path);

/// A cheap fingerprint (paths, sizes, modification times) of `paths` (a directory counts by its
/// own modification time: files added or removed), for change polling.
std::string fingerprint(const std::vector<std::string>& paths);

}  // namespace edugate::proxy::server
