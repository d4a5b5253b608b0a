#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reporting/html_escape.hpp"

namespace edugate::reporting {

struct Bar {
  std::string label;  ///< plain text; escaped when drawn
  std::uint64_t value = 0;
  bool partial = false;  ///< some of it is suppressed: drawn hatched, value shown as "≥ n"
};

/// A horizontal bar chart as an inline <svg> element (no scripts, no external resources), with
/// `title` as its accessible name. An empty `bars` draws a "no data" note. Pure.
std::string svg_bar_chart(const std::vector<Bar>& bars, const std::string& title);

}  // namespace edugate::reporting
