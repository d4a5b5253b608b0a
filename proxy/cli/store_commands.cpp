// `edugate backup` and `edugate restore`: the report store copied out while edugate runs, and put
// back with the service stopped. The reporting library does the work (store_backup, store_lock);
// this file finds the store as `edugate run` does and says what happened.
#include <fmt/format.h>

#include <memory>

#include "proxy/cli/commands.hpp"
#include "proxy/cli/reporting_settings.hpp"
#include "reporting/schema.hpp"
#include "reporting/store_backup.hpp"
#include "reporting/store_lock.hpp"

namespace edugate::cli {

namespace {

namespace rep = edugate::reporting;

[[noreturn]] void fail(std::string_view command, const std::string& message) {
  fmt::print(stderr, "edugate {}: {}\n", command, message);
  throw CLI::RuntimeError(1);
}

void run_backup(const std::string& config, const std::string& out) {
  const auto settings = load_reporting_settings(config, "backup");
  rep::BackupInfo info;
  if (auto error = rep::backup_store(settings.store, out, &info)) fail("backup", error->message);
  fmt::print("backed up {} to {} ({} bytes, schema version {})\n", settings.store, out, info.bytes,
             info.schema_version);
}

void run_restore(const std::string& config, const std::string& file) {
  const auto settings = load_reporting_settings(config, "restore");
  rep::StoreLock::Failure why;
  auto lock = rep::StoreLock::try_lock(settings.store, rep::StoreLock::Mode::exclusive, &why);
  if (!lock.held())
    fail("restore", why.busy ? fmt::format("edugate is running with {}: stop it first "
                                           "(systemctl stop edugate), then restore",
                                           settings.store)
                             : why.message);
  rep::BackupInfo info;
  if (auto error = rep::restore_store(file, settings.store, &info))
    fail("restore", error->message + " (the store was left as it was)");
  fmt::print(
      "restored {} from {} (schema version {}{}); start edugate again: systemctl start "
      "edugate\n",
      settings.store, file, info.schema_version,
      info.schema_version < rep::schema_version() ? ", upgraded when edugate opens it" : "");
}

}  // namespace

void add_store_commands(CLI::App& app) {
  auto* backup = app.add_subcommand(
      "backup", "Copy the report store to a file, consistently, while edugate runs");
  auto config = std::make_shared<std::string>(default_config_path());
  auto out = std::make_shared<std::string>();
  backup->add_option("--out", *out, "The backup file (never overwritten)")->required();
  backup->add_option("--config", *config, "Appliance config")->capture_default_str();
  backup->callback([config, out] { run_backup(*config, *out); });

  auto* restore = app.add_subcommand(
      "restore", "Put a backup back as the report store (edugate must be stopped)");
  auto restore_config = std::make_shared<std::string>(default_config_path());
  auto file = std::make_shared<std::string>();
  restore->add_option("file", *file, "A file made by edugate backup")->required();
  restore->add_option("--config", *restore_config, "Appliance config")->capture_default_str();
  restore->callback([restore_config, file] { run_restore(*restore_config, *file); });
}

}  // namespace edugate::cli
