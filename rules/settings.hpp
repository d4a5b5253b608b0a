#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>

#include "rules/yaml_reader.hpp"

namespace edugate::rules {

/// The `rules:` section of the appliance config (etc/edugate.yaml):
///
///   rules:
///     department: rules/department/       # a rule file or a directory of them (a bundle)
///     school: rules/school.yaml           # optional school overrides
///     timezone: Asia/Ho_Chi_Minh          # optional, IANA name; schedules use it
///     department_pubkey: keys/so-gddt.pub.pem   # optional: require a signed department bundle
///     regex_memory: 64MiB                 # optional: RE2 budget shared by all regex sets
///
/// Paths are resolved against the directory of the appliance config.
struct RulesSettings {
  std::string department;
  std::optional<std::string> school;
  std::string timezone = "Asia/Ho_Chi_Minh";
  std::optional<std::string> department_pubkey;
  std::uint64_t regex_memory = std::uint64_t{64} << 20;
};

/// Joins `path` to `base_dir` unless it is absolute, lexically normalised ("etc/./rules/" →
/// "etc/rules"), without a trailing '/'. Pure.
std::string resolve_path(const std::string& base_dir, const std::string& path);

/// Parses the `rules:` section. Unknown keys, a missing `department`, an unknown time zone or a
/// budget outside 1 MiB .. 4 GiB are reported through `reader` with file:line:col; returns
/// nullopt then. Does not touch the files it names (load_rules() does). Not thread-safe (the
/// reader is not).
std::optional<RulesSettings> parse_rules_settings(const YAML::Node& section, YamlReader& reader,
                                                  const std::string& base_dir);

}  // namespace edugate::rules
