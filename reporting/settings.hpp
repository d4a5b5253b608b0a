#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reporting/school_id.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::reporting {

/// This machine's host name (up to its first dot) when it is a valid node id, else "node".
std::string default_node_id();

/// `reporting.push`: each closed ISO week's signed report goes to the department by itself.
struct PushSettings {
  std::string url;  ///< https://…/api/v1/reports
  std::string ca;   ///< PEM bundle for the department's server; empty = the system trust store
  std::chrono::milliseconds retry_min{std::chrono::minutes(1)};  ///< first backoff
  std::chrono::milliseconds retry_max{std::chrono::hours(4)};    ///< backoff cap
  int keep_weeks = 12;  ///< undelivered reports kept at least this long (delivered ones too)
};

/// The `reporting:` section of the appliance config (etc/edugate.yaml).
struct ReportingSettings {
  /// Resolved against the config's directory; a leading `$STATE_DIRECTORY` is replaced by that
  /// environment variable (systemd's StateDirectory=), or /var/lib/edugate when it is unset.
  std::string store = "/var/lib/edugate/edugate.db";
  /// The school's review file (rules.review; not a `reporting:` key, set from the rules
  /// section): the domains it confirms are listed in a report's site_reports. "" = none.
  std::string review_file;
  std::chrono::milliseconds flush_interval{std::chrono::seconds(10)};
  int k = 10;                     ///< suppress cells with fewer distinct devices than this
  std::optional<double> epsilon;  ///< Laplace noise budget per week; nullopt = off
  std::string school_id;          ///< required to build reports: [A-Za-z0-9._-]{1,64}
  std::string school_name;
  /// Which appliance of the school made a report, when a school runs several behind a load
  /// balancer: [A-Za-z0-9._-]{1,64}; default_node_id() when the config names none.
  std::string node_id = default_node_id();
  std::string signing_key;  ///< Ed25519 private key (PEM) path; empty = unsigned
  int retention_weeks = 8;  ///< hourly rows older than this become daily rows
  /// bytes; 0 = no cap. A year of an ordinary school's counts takes a few tens of MiB; the cap
  /// keeps a flood of distinct domains from filling the disk (the flush then fails, filtering
  /// goes on).
  std::uint64_t max_store_size = 512ull << 20;
  int top_domains = 20;  ///< rows in a report's top blocked domains list
  /// Department pull endpoint: SHA-256 hashes of the bearer tokens ("sha256:<64 hex>"), never
  /// the tokens themselves; see bearer_token.hpp.
  std::vector<std::string> api_token_hashes;
  double api_requests_per_minute = 6;  ///< rate limit per caller
  int api_burst = 3;
  std::optional<PushSettings> push;
};

/// A list of bearer-token hashes (`sha256:<hex>` from `edugate report token`) at `node`; each
/// malformed entry is a diagnostic naming `what`. nullopt when the node is not a list.
std::optional<std::vector<std::string>> read_token_hashes(const YAML::Node& node,
                                                          rules::YamlReader& reader,
                                                          std::string_view what);

/// Reads and checks the `reporting:` node (undefined or null = all defaults). Unknown keys and bad
/// values become `file:line:col` diagnostics through `reader`; returns nullopt when any were
/// found. Relative paths resolve against `base_dir`. Not thread-safe (reader is not).
std::optional<ReportingSettings> parse_reporting_settings(const YAML::Node& node,
                                                          rules::YamlReader& reader,
                                                          const std::string& base_dir);

}  // namespace edugate::reporting
