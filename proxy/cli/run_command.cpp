#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "proxy/policy/pac.hpp"
#include "proxy/policy/services.hpp"
#include "proxy/server/rules_source.hpp"
#include "proxy/server/server.hpp"

namespace edugate::cli {

namespace {

struct RunOptions {
  std::string config = default_config_path();
  std::string test_clock;
};

/// Logs go to stderr (journald under systemd). Nothing logged anywhere carries a client address,
/// a URL, a query string, a cookie or a User-Agent.
void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("edugate");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

void print(const rules::Diagnostics& diags) {
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
}

std::unique_ptr<proxy::policy::Services> make_services(const proxy::Config& config,
                                                       const RunOptions& o,
                                                       rules::Diagnostics& diags) {
  std::unique_ptr<proxy::policy::Clock> clock;
  if (o.test_clock.empty())
    clock = std::make_unique<proxy::policy::SystemClock>();
  else
    clock = std::make_unique<proxy::policy::FileClock>(o.test_clock);
  auto pages = config.enforcement.pages_dir.empty()
                   ? std::optional(proxy::policy::builtin_pages())
                   : proxy::policy::load_pages(config.enforcement.pages_dir, diags);
  auto pac = proxy::policy::build_pac(config.pac, diags);
  if (!pages || !pac) return nullptr;
  return std::make_unique<proxy::policy::Services>(config, std::move(clock), std::move(*pages),
                                                   std::move(*pac));
}

int run(const RunOptions& o) {
  rules::Diagnostics diags;
  auto config = proxy::load_config(o.config, diags);
  print(diags);
  if (!config) {
    fmt::print(stderr, "edugate: not starting: {} has {} problem(s)\n", o.config, diags.size());
    return 1;
  }
  setup_logging(config->log_level);
  diags.clear();
  auto services = make_services(*config, o, diags);
  print(diags);
  if (!services) return 1;
  auto rules = proxy::server::load_configured_rules(*config);
  print(rules.diagnostics);
  if (rules.configured && !rules.rules) {
    fmt::print(stderr, "edugate: not starting: the rule set has errors (see above)\n");
    return 1;
  }
  diags.clear();
  auto reporting = proxy::server::ReportingHub::create(*config, diags);
  print(diags);
  if (!reporting) return 1;
  try {
    proxy::server::Server server(std::move(*config), std::move(services), std::move(rules),
                                 std::move(reporting));
    server.bind();
    return server.run();
  } catch (const std::exception& e) {
    spdlog::critical("edugate: {}", e.what());
    return 1;
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run the proxy in the foreground");
  auto o = std::make_shared<RunOptions>();
  cmd->add_option("-c,--config", o->config, "Appliance config file")->capture_default_str();
  cmd->add_option("--test-clock", o->test_clock,
                  "For tests: read the time (Unix seconds) from this file at every decision");
  cmd->callback([o] {
    if (const int rc = run(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace edugate::cli
