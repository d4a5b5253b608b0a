#include "rules/diagnostic.hpp"

#include <fmt/format.h>

namespace edugate::rules {

std::string format(const Diagnostic& d) {
  const char* tag = d.severity == Severity::warning ? "warning: " : "";
  if (d.line <= 0) return fmt::format("{}: {}{}", d.file, tag, d.message);
  return fmt::format("{}:{}:{}: {}{}", d.file, d.line, d.column, tag, d.message);
}

std::size_t error_count(const Diagnostics& diags) noexcept {
  std::size_t n = 0;
  for (const auto& d : diags) n += d.severity == Severity::error ? 1 : 0;
  return n;
}

}  // namespace edugate::rules
