#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
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
///     review: rules/review.yaml           # optional; default: review.yaml beside `school`
///     timezone: Asia/Ho_Chi_Minh          # optional, IANA name; schedules use it
///     department_pubkey: keys/so-gddt.pub.pem   # optional: require a signed department bundle
///     regex_memory: 64MiB                 # optional: RE2 budget shared by all regex sets
///     update:                             # optional: fetch the department's published bundles
///       url: https://so-gddt.example.vn/edugate/
///       pubkey: keys/so-gddt.pub.pem      # required with update; pinned here
///       interval: 1h                      # plus up to 10 % random jitter
///       ca: system                        # or a PEM bundle for the department's server
///
/// Paths are resolved against the directory of the appliance config.

/// `rules.update`: where and how the appliance fetches the department's signed bundles
/// (`edugate rules publish`). Until a first bundle is accepted, `rules.department` serves.
struct UpdateSettings {
  std::string url;     ///< the published site, https, ending in '/'
  std::string pubkey;  ///< PEM Ed25519 public key file, pinned
  std::chrono::milliseconds interval{std::chrono::hours(1)};
  std::string ca;  ///< empty: the system trust store; else a PEM bundle file
  /// Where accepted bundles and the trusted state live. Default $STATE_DIRECTORY/rules.
  std::string state_dir;
  /// Updates failing (or the metadata expired) for longer than this: the bundle is stale.
  std::chrono::milliseconds stale_after{std::chrono::hours(24)};
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  ///< one whole fetch
  std::uint64_t max_size = std::uint64_t{256} << 20;            ///< archive, and unpacked bundle
  double max_shrink = 0.5;  ///< share of entries a new bundle may lose (see self_test.hpp)
};

struct RulesSettings {
  std::string department;
  std::optional<std::string> school;
  /// The school's review decisions (rules/review.hpp), managed by `edugate review`; read when
  /// the file exists. Defaults to review.yaml in the school file's directory.
  std::optional<std::string> review;
  std::string timezone = "Asia/Ho_Chi_Minh";
  std::optional<std::string> department_pubkey;
  std::uint64_t regex_memory = std::uint64_t{64} << 20;
  std::optional<UpdateSettings> update;
  /// Set by the appliance for a fetched bundle (not a config key): the department rules may read
  /// no file outside `department`.
  bool department_confined = false;
};

/// Joins `path` to `base_dir` unless it is absolute, lexically normalised ("etc/./rules/" →
/// "etc/rules"), without a trailing '/'. Pure.
std::string resolve_path(const std::string& base_dir, const std::string& path);

/// A path from the config where a leading `$STATE_DIRECTORY` is systemd's StateDirectory (the
/// first one if several) or /var/lib/edugate when that is unset; other paths resolve against
/// `base_dir` as resolve_path() does.
std::string resolve_state_path(const std::string& base_dir, const std::string& path);

/// Parses the `rules:` section. Unknown keys, a missing `department`, an unknown time zone or a
/// budget outside 1 MiB .. 4 GiB are reported through `reader` with file:line:col; returns
/// nullopt then. Does not touch the files it names (load_rules() does). Not thread-safe (the
/// reader is not).
std::optional<RulesSettings> parse_rules_settings(const YAML::Node& section, YamlReader& reader,
                                                  const std::string& base_dir);

}  // namespace edugate::rules
