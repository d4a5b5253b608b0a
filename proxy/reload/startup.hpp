#pragma once

#include <memory>
#include <optional>
#include <string>

#include "proxy/config.hpp"
#include "proxy/policy/services.hpp"
#include "proxy/reload/rules_source.hpp"
#include "rules/diagnostic.hpp"

namespace edugate::proxy::server {

/// Everything `edugate run` reads and checks before it listens: the appliance config, the pages
/// and the PAC file (the policy services), HTTPS inspection's CA and trust store, and the rule
/// set. `run`, `check` and `explain` all come by it this one way, so `check` passes the configs
/// `run` starts with, bar what only starting can tell (the report store, which only `run`
/// opens, and whether the listen addresses are free), and `explain` decides on the rules `run`
/// enforces. Reload reads the rules through the same load_configured_rules().
struct Startup {
  std::optional<Config> config;
  std::unique_ptr<policy::Services>
      services;                ///< null when the pages, the PAC file or the warn-pass key fail
  bool inspection_ok = false;  ///< inspection is off, or its CA and trust store load
  RulesLoad rules;
  rules::Diagnostics diagnostics;  ///< of the config, pages and PAC file (the rules' own are in
                                   ///< rules.diagnostics); file:line:col
  /// Whether `run` would go on to open the report store and listen.
  bool ok() const {
    return config && services && inspection_ok && (!rules.configured || rules.rules);
  }
};

/// Reads the config at `config_path` and all it names. `test_clock`: read the time from this
/// file at every decision (tests). Blocking; call it before the data plane starts.
Startup prepare_startup(const std::string& config_path, const std::string& test_clock = {});

}  // namespace edugate::proxy::server
