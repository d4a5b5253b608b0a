#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/department/registry.hpp"
#include "reporting/report.hpp"

namespace edugate::reporting::department {

/// How a province table breaks its figures down.
enum class Breakdown { district, level, school };
std::optional<Breakdown> parse_breakdown(std::string_view text) noexcept;
std::string_view to_string(Breakdown b) noexcept;

/// An age band's bilingual name ("thcs" → "THCS / Lower secondary"); "?" (reports that carry
/// none) is "Chưa rõ / Unknown"; any other key as it is. Pure.
std::string level_label(std::string_view age);

/// One row of a breakdown: requests of `action` in `category` over the period, for `key` (a
/// district, an age band or a school id): the sum of what schools published; cells a school
/// suppressed add nothing and are counted in suppressed_cells, so a row with
/// suppressed_cells > 0 is a lower bound.
struct BreakdownRow {
  std::string key;
  std::string action, category;
  std::uint64_t requests = 0;
  std::uint64_t suppressed_cells = 0;
};

/// A province table broken down by district, school or level (each group's age band; "?" for
/// groups that carry none): made by build_province_report from the reports' cells of a real
/// action, category and group (not the "*" totals).
struct BreakdownTable {
  Breakdown by = Breakdown::district;
  DayRange period;
  std::size_t schools = 0;         ///< schools whose reports the table adds up
  std::vector<BreakdownRow> rows;  ///< sorted by key, action, category
  Report labels;                   ///< the province report, for its bilingual category labels
};

/// The table as CSV (UTF-8 with a byte-order mark, for Excel), JSON or HTML (bilingual, with an
/// SVG chart of blocked requests by key, no external resource). Pure.
std::string render_breakdown(const BreakdownTable& table, std::string_view format);

}  // namespace edugate::reporting::department
