#include <cstdlib>

#include "proxy/cli/commands.hpp"

namespace edugate::cli {

std::string default_config_path() {
  if (const char* env = std::getenv("EDUGATE_CONFIG"); env && *env) return env;
  return "/etc/edugate/edugate.yaml";
}

}  // namespace edugate::cli

int main(int argc, char** argv) {
  CLI::App app{"edugate: content-filtering forward proxy for school networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "edugate " EDUGATE_VERSION);
  edugate::cli::add_run_command(app);
  edugate::cli::add_check_command(app);
  edugate::cli::add_version_command(app);
  edugate::cli::add_rules_commands(app);
  edugate::cli::add_rules_publish_commands(app);
  edugate::cli::add_report_commands(app);
  edugate::cli::add_report_fetch_command(app);
  edugate::cli::add_ca_command(app);
  edugate::cli::add_store_commands(app);
  edugate::cli::add_review_commands(app);
  edugate::cli::add_portal_commands(app);
  edugate::cli::add_department_commands(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
