#include <fmt/format.h>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"

namespace edugate::cli {

namespace {

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
