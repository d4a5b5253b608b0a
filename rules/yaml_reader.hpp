#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"

namespace edugate::rules {

/// Strict reading of YAML configuration: every problem becomes a Diagnostic carrying the
/// file, line and column of the offending node, and unknown keys are errors (a typo must never
/// silently disable a setting). Not thread-safe; one reader per file being loaded.
class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diags) : file_(std::move(file)), diags_(diags) {}

  /// Loads a file; on a syntax error or unreadable file records a diagnostic, returns nullopt.
  std::optional<YAML::Node> load_file();
  /// Parses text (for tests and for embedded defaults).
  std::optional<YAML::Node> load_text(const std::string& text);

  void error(const YAML::Node& at, std::string message);
  void error(const YAML::Mark& at, std::string message);
  /// Records a warning: printed by `edugate check`, does not make ok() false.
  void warning(const YAML::Node& at, std::string message);

  /// True when `node` is a mapping whose keys are all in `allowed`; reports each unknown key.
  bool check_map(const YAML::Node& node, std::string_view what,
                 std::initializer_list<std::string_view> allowed);

  std::optional<std::string> string(const YAML::Node& node, std::string_view what);
  std::optional<bool> boolean(const YAML::Node& node, std::string_view what);
  std::optional<std::int64_t> integer(const YAML::Node& node, std::string_view what,
                                      std::int64_t min, std::int64_t max);
  /// A duration written as `250ms`, `30s`, `5m`, `2h`, `7d` (a bare number is an error: units
  /// matter).
  std::optional<std::chrono::milliseconds> duration(const YAML::Node& node, std::string_view what);
  /// A size written as `64KiB`, `8MiB`, `1GiB` or a plain number of bytes.
  std::optional<std::uint64_t> byte_size(const YAML::Node& node, std::string_view what);
  /// A sequence of scalars (a single scalar is accepted as a one-element list).
  std::optional<std::vector<std::string>> string_list(const YAML::Node& node,
                                                      std::string_view what);

  const std::string& file() const { return file_; }
  Diagnostics& diagnostics() { return diags_; }
  bool ok() const { return errors_ == 0; }

 private:
  std::string file_;
  Diagnostics& diags_;
  int errors_ = 0;
};

}  // namespace edugate::rules
