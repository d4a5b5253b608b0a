#include <fmt/format.h>

#include <chrono>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "rules/load_rules.hpp"
#include "rules/settings.hpp"
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

/// Loads and prints the rule set named by the `rules:` section. Returns the number of errors.
std::size_t check_rules(const proxy::Config& config) {
  if (!config.has_rules) {
    fmt::print("{}: no rules: section, so no rule set to check\n", config.file);
    return 0;
  }
  rules::Diagnostics diags;
  rules::YamlReader reader(config.file, diags);
  const auto settings = rules::parse_rules_settings(config.rules_section, reader, config.base_dir);
  rules::LoadResult loaded;
  const auto start = std::chrono::steady_clock::now();
  if (settings) loaded = rules::load_rules(*settings);
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  diags.insert(diags.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (loaded.rules) {
    fmt::print("{}", rules::tools::format_summary(*loaded.rules));
    fmt::print("rules loaded and compiled in {:.2f} s\n", took.count());
    warn_unreachable_groups(config, *loaded.rules);
  }
  return rules::error_count(diags);
}

int run_check(const std::string& path) {
  rules::Diagnostics diags;
  const auto config = proxy::load_config(path, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!config) {
    fmt::print(stderr, "{}: {} problem(s); edugate would refuse to start\n", path, diags.size());
    return 1;
  }
  fmt::print("{}: appliance config OK ({} listener(s), {} client network(s))\n", path,
             config->listeners.size(), config->client_networks.size());
  if (const std::size_t errors = check_rules(*config); errors > 0) {
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
