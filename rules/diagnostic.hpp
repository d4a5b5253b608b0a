#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace edugate::rules {

/// Errors make a configuration unusable; warnings (e.g. junk lines in a third-party block list)
/// are printed by `edugate check` but do not stop a load.
enum class Severity : std::uint8_t { error, warning };

/// One problem found in a configuration or rule file, printed as `file:line:col: message`.
/// line and column are 1-based; 0 means "whole file".
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
  Severity severity = Severity::error;
};

using Diagnostics = std::vector<Diagnostic>;

/// `token` quoted for a message (a log line, a terminal), cut to a readable length, control
/// characters, quotes and backslashes as \xNN: safe whatever bytes it came from.
std::string quote_token(std::string_view token);

/// `file:line:col: message`, or `file:line:col: warning: message` for warnings.
std::string format(const Diagnostic& d);

/// Number of diagnostics of severity error.
std::size_t error_count(const Diagnostics& diags) noexcept;

}  // namespace edugate::rules
