#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fmt/format.h>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "proxy/server/server.hpp"

namespace edugate::cli {

namespace {

/// Logs go to stderr (journald under systemd). Nothing logged anywhere carries a client address,
/// a URL, a query string, a cookie or a User-Agent.
void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("edugate");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

int run(const std::string& path) {
  rules::Diagnostics diags;
  auto config = proxy::load_config(path, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!config) {
    fmt::print(stderr, "edugate: not starting: {} has {} problem(s)\n", path, diags.size());
    return 1;
  }
  setup_logging(config->log_level);
  try {
    proxy::server::Server server(std::move(*config));
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
  auto path = std::make_shared<std::string>(default_config_path());
  cmd->add_option("-c,--config", *path, "Appliance config file")->capture_default_str();
  cmd->callback([path] {
    if (const int rc = run(*path); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace edugate::cli
