#include "rules/diagnostic.hpp"

#include <fmt/format.h>

namespace edugate::rules {

std::string format(const Diagnostic& d) {
  if (d.line <= 0) return fmt::format("{}: {}", d.file, d.message);
  return fmt::format("{}:{}:{}: {}", d.file, d.line, d.column, d.message);
}

}  // namespace edugate::rules
