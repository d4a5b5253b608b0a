#include "proxy/cli/reporting_settings.hpp"

#include <fmt/format.h>

#include <optional>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "rules/diagnostic.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::cli {

reporting::ReportingSettings load_reporting_settings(const std::string& config_path,
                                                     std::string_view command) {
  rules::Diagnostics diags;
  const auto config = proxy::load_config(config_path, diags);
  std::optional<reporting::ReportingSettings> settings;
  if (config) {
    rules::YamlReader reader(config->file, diags);
    settings =
        reporting::parse_reporting_settings(config->reporting_section, reader, config->base_dir);
  }
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!settings) {
    fmt::print(stderr, "edugate {}: {}: the configuration has errors\n", command, config_path);
    throw CLI::RuntimeError(1);
  }
  settings->review_file = proxy::review_file_of(*config);
  return *settings;
}

}  // namespace edugate::cli
