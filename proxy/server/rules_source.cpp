#include "proxy/server/rules_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "rules/load_rules.hpp"
#include "rules/settings.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::proxy::server {

namespace fs = std::filesystem;

RulesLoad load_configured_rules(const Config& config) {
  RulesLoad out;
  out.watched.push_back(config.file);
  if (!config.has_rules) return out;
  out.configured = true;
  rules::YamlReader reader(config.file, out.diagnostics);
  const auto settings = rules::parse_rules_settings(config.rules_section, reader, config.base_dir);
  if (!settings) return out;
  out.watched.push_back(settings->department);
  if (settings->school) out.watched.push_back(*settings->school);
  auto loaded = rules::load_rules(*settings);
  out.rules = std::move(loaded.rules);
  for (auto& d : loaded.diagnostics) out.diagnostics.push_back(std::move(d));
  // Category lists may live beside the rule files: watch those directories too.
  for (const auto& p : {settings->department, settings->school.value_or("")}) {
    if (p.empty()) continue;
    const auto dir = fs::is_directory(p) ? fs::path(p) : fs::path(p).parent_path();
    out.watched.push_back(dir.string());
  }
  return out;
}

RulesLoad reload_configured_rules(const std::string& config_path) {
  rules::Diagnostics diags;
  const auto config = load_config(config_path, diags);
  if (!config) {
    RulesLoad out;
    out.configured = true;
    out.diagnostics = std::move(diags);
    out.watched.push_back(config_path);
    return out;
  }
  return load_configured_rules(*config);
}

std::string fingerprint(const std::vector<std::string>& paths) {
  std::string out;
  std::error_code ec;
  auto add = [&](const fs::path& p) {
    const auto size = fs::is_regular_file(p, ec) ? fs::file_size(p, ec) : 0;
    const auto time = fs::last_write_time(p, ec).time_since_epoch().count();
    out += fmt::format("{}|{}|{}\n", p.string(), size, time);
  };
  for (const auto& path : paths) {
    if (path.empty()) continue;
    if (fs::is_directory(path, ec)) {
      for (auto it = fs::recursive_directory_iterator(path, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec)) add(it->path());
    } else {
      add(path);
    }
  }
  return out;
}

}  // namespace edugate::proxy::server
