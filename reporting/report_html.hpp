#pragma once

#include <string>

#include "reporting/report.hpp"

namespace edugate::reporting {

/// The report as one self-contained HTML file: inline CSS (with print rules) and inline SVG bar
/// charts of blocked requests per day, per category and per group; bilingual (vi/en) headings
/// and labels; the privacy parameters; the detail table and top domains. No script, no external
/// resource. Bars that include suppressed cells are hatched and marked "≥". Pure.
std::string render_html(const Report& report);

}  // namespace edugate::reporting
