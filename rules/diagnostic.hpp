#pragma once

#include <string>
#include <vector>

namespace edugate::rules {

/// One problem found in a configuration or rule file, printed as `file:line:col: message`.
/// line and column are 1-based; 0 means "whole file".
struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string message;
};

using Diagnostics = std::vector<Diagnostic>;

std::string format(const Diagnostic& d);

}  // namespace edugate::rules
