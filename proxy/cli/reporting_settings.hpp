#pragma once

// The `reporting:` settings of an appliance config, for the commands that work on the report
// store beside a running edugate (report weekly, backup, restore): read exactly as `edugate run`
// reads them, so they find the same store.

#include <string>
#include <string_view>

#include "reporting/settings.hpp"

namespace edugate::cli {

/// Loads `config_path` and its reporting settings; on any problem prints every diagnostic as
/// file:line:col and "edugate <command>: <config>: the configuration has errors" to stderr and
/// throws CLI::RuntimeError(1).
reporting::ReportingSettings load_reporting_settings(const std::string& config_path,
                                                     std::string_view command);

}  // namespace edugate::cli
