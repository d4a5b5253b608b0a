#include <fmt/format.h>

#include <chrono>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "proxy/reload/startup.hpp"
#include "rules/tools/summary.hpp"

namespace edugate::cli {

namespace {

/// A group network that the appliance refuses anyway is almost certainly a mistake.
void warn_unreachable_groups(const proxy::Config& config, const rules::RuleSet& rules) {
  for (rules::GroupId g = 0; g < rules.group_count(); ++g) {
    for (const auto& net : rules.group(g).networks) {
      bool inside = false;
      for (const auto& allowed : config.client_networks)
        inside = inside || (allowed.prefix <= net.prefix && allowed.contains(net.base));
      if (!inside)
        fmt::print(stderr,
                   "{}: warning: group '{}' network {} is outside client_networks: its "
                   "clients are refused before any rule applies\n",
                   config.file, rules.group(g).id, net.to_string());
    }
  }
}

/// Checks what `edugate run` checks before it listens, the way it does (server::prepare_startup):
/// the config, the pages and PAC file, and the rule set, whose summary it prints.
int run_check(const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  const auto startup = proxy::server::prepare_startup(path);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  for (const auto& d : startup.diagnostics) fmt::print(stderr, "{}\n", rules::format(d));
  const auto& config = startup.config;
  if (!config) {
    fmt::print(stderr, "{}: {} problem(s); edugate would refuse to start\n", path,
               startup.diagnostics.size());
    return 1;
  }
  fmt::print("{}: appliance config OK ({} listener(s), {} client network(s))\n", path,
             config->listeners.size(), config->client_networks.size());
  if (!startup.services || !startup.inspection_ok) {
    fmt::print(stderr, "{}: {} fail; edugate would refuse to start\n", path,
               startup.services ? "the inspection CA or trust store" : "the pages or the PAC file");
    return 1;
  }
  const auto& loaded = startup.rules;
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", rules::format(d));
  if (!loaded.configured) {
    fmt::print("{}: no rules: section, so no rule set to check\n", config->file);
    return 0;
  }
  if (loaded.rules) {
    fmt::print("{}", rules::tools::format_summary(*loaded.rules));
    fmt::print("rules loaded and compiled in {:.2f} s\n", took.count());
    warn_unreachable_groups(*config, *loaded.rules);
  }
  if (const std::size_t errors = rules::error_count(loaded.diagnostics);
      errors > 0 || !loaded.rules) {
    fmt::print(stderr, "{}: {} error(s) in the rules; edugate would refuse to start\n", path,
               errors);
    return 1;
  }
  return 0;
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("check", "Validate the appliance config and the rule set");
  auto path = std::make_shared<std::string>(default_config_path());
  cmd->add_option("config", *path, "Appliance config file")->capture_default_str();
  cmd->callback([path] {
    if (const int rc = run_check(*path); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace edugate::cli
