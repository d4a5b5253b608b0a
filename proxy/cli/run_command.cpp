#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "proxy/reload/startup.hpp"
#include "proxy/server/server.hpp"
#include "reporting/store_lock.hpp"

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

int run(const RunOptions& o) {
  auto startup = proxy::server::prepare_startup(o.config, o.test_clock);
  print(startup.diagnostics);
  if (!startup.config) {
    fmt::print(stderr, "edugate: not starting: {} has {} problem(s)\n", o.config,
               startup.diagnostics.size());
    return 1;
  }
  auto& config = startup.config;
  setup_logging(config->log_level);
  auto& rules = startup.rules;
  print(rules.diagnostics);
  if (!startup.ok()) {
    fmt::print(stderr, "edugate: not starting: {} (see above)\n",
               !startup.services        ? "the pages, the PAC file or the warn pass key fail"
               : !startup.inspection_ok ? "the inspection CA or trust store fail"
                                        : "the rule set has errors");
    return 1;
  }
  rules::Diagnostics diags;
  auto reporting = proxy::server::ReportingHub::create(*config, diags);
  print(diags);
  if (!reporting) return 1;
  // Held shared for the whole run: `edugate restore` (exclusive) refuses while edugate runs,
  // and edugate does not start while a restore swaps the store.
  reporting::StoreLock::Failure why;
  const auto store_lock = reporting::StoreLock::try_lock(reporting->settings().store,
                                                         reporting::StoreLock::Mode::shared, &why);
  if (!store_lock.held()) {
    if (why.busy) {
      fmt::print(stderr, "edugate: not starting: {} is being restored (edugate restore)\n",
                 reporting->settings().store);
      return 1;
    }
    spdlog::warn("reporting: {}; edugate restore cannot tell that edugate runs", why.message);
  }
  try {
    proxy::server::Server server(std::move(*config), std::move(startup.services), std::move(rules),
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
