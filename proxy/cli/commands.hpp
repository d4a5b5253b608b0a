#pragma once

#include <CLI/CLI.hpp>

namespace edugate::cli {

/// Each subcommand lives in its own file and registers itself on the top-level app. A command's
/// callback reports failure by throwing CLI::RuntimeError(exit_code) after printing why.
void add_run_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_version_command(CLI::App& app);
void add_rules_commands(CLI::App& app);          // explain, import, rules sign/verify
void add_report_commands(CLI::App& app);         // report weekly/verify/merge/keygen/token
void add_rules_publish_commands(CLI::App& app);  // rules publish, rules status
void add_report_fetch_command(CLI::App& app);    // report fetch (needs Asio: lives in proxy)
void add_ca_command(CLI::App& app);              // ca init (school CA for HTTPS inspection)
void add_store_commands(CLI::App& app);
void add_review_commands(CLI::App& app);
void add_portal_commands(CLI::App& app);      // portal code (teacher codes)      // review
                                              // list/block/allow/dismiss (pupils' reports)
void add_department_commands(CLI::App& app);  // department serve, department schools import //
                                              // backup, restore (the report store)

/// Prints `message` on stderr and ends the command with exit code 1 (CLI::RuntimeError).
[[noreturn]] void fail(const std::string& message);
/// The whole file at `path`, or fail() saying why it cannot be read.
std::string read_file_or_fail(const std::string& path);

/// The config path used when none is given: $EDUGATE_CONFIG, else /etc/edugate/edugate.yaml.
std::string default_config_path();

}  // namespace edugate::cli
