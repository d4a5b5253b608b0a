// `edugate department serve --config department.yaml` and `edugate department schools import
// FILE --config department.yaml`: the Department of Education's side, which collects every
// school's signed weekly report into PostgreSQL (see README, "For the department").

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "proxy/cli/commands.hpp"
#include "proxy/department/department_service.hpp"
#include "reporting/department/department_settings.hpp"
#include "reporting/department/department_store.hpp"
#include "reporting/department/registry.hpp"

namespace edugate::cli {

namespace {

namespace dept = reporting::department;

std::string default_department_config() { return "/etc/edugate/department.yaml"; }

dept::DepartmentSettings load_or_fail(const std::string& path) {
  rules::Diagnostics diags;
  auto settings = dept::load_department_settings(path, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!settings) fail(fmt::format("{} has {} problem(s)", path, rules::error_count(diags)));
  return *settings;
}

void serve(const std::string& config) {
  auto settings = load_or_fail(config);
  auto logger = spdlog::stderr_logger_mt("edugate-department");
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  spdlog::set_default_logger(logger);
  boost::asio::io_context io(1);
  proxy::department::DepartmentService service(io, settings);
  try {
    service.prepare();
  } catch (const std::exception& e) {
    fail(fmt::format("not starting: {}", e.what()));
  }
  boost::asio::ip::tcp::endpoint bound;
  try {
    bound = service.start();
  } catch (const std::exception& e) {
    fail(fmt::format("not starting: {}", e.what()));
  }
  spdlog::info("department: serving https://{}:{}/api/v1/reports", bound.address().to_string(),
               bound.port());
  boost::asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
          std::string error;
          if (!service.reload_registry(&error))
            spdlog::error("department: registry reload refused, the previous one stays: {}", error);
          signals.async_wait(on_signal);
          return;
        }
        sd_notify(0, "STOPPING=1");
        service.stop();
        io.stop();
      };
  signals.async_wait(on_signal);
  sd_notify(0, "READY=1\nSTATUS=serving");
  io.run();
}

void import_schools(const std::string& file, const std::string& config) {
  const auto settings = load_or_fail(config);
  rules::Diagnostics diags;
  const auto schools = dept::read_registry(file, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!schools) fail(fmt::format("{}: nothing imported", file));
  try {
    dept::DepartmentStore store(settings.database);
    store.migrate();
    const auto s = store.import_registry(*schools);
    fmt::print("{}: {} schools: {} added, {} updated, {} unchanged, {} retired\n", file,
               schools->size(), s.added, s.updated, s.unchanged, s.retired);
  } catch (const std::exception& e) {
    fail(e.what());
  }
}

}  // namespace

void add_department_commands(CLI::App& app) {
  auto* department = app.add_subcommand("department", "The department's report service");
  department->require_subcommand(1);

  auto* serve_cmd =
      department->add_subcommand("serve", "Collect the schools' weekly reports (HTTPS)");
  auto serve_config = std::make_shared<std::string>(default_department_config());
  serve_cmd->add_option("--config", *serve_config, "department.yaml");
  serve_cmd->callback([serve_config] { serve(*serve_config); });

  auto* schools = department->add_subcommand("schools", "The registry of schools");
  schools->require_subcommand(1);
  auto* import_cmd = schools->add_subcommand("import", "Load the registry CSV into the database");
  auto file = std::make_shared<std::string>();
  auto import_config = std::make_shared<std::string>(default_department_config());
  import_cmd->add_option("FILE", *file, "schools.csv")->required();
  import_cmd->add_option("--config", *import_config, "department.yaml");
  import_cmd->callback([file, import_config] { import_schools(*file, *import_config); });
}

}  // namespace edugate::cli
