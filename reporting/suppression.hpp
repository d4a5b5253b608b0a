#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "reporting/report.hpp"

namespace edugate::reporting {

/// A value that may be published, with the distinct-device lower bound behind it.
struct SuppressionCell {
  std::uint64_t value = 0;
  std::uint64_t devices = 0;
  bool suppressed = false;
};

/// Cell indices bound by one published linear relation (a total and the cells it sums). When a
/// complement must be chosen, the first `preferred` members are tried before the others.
struct SuppressionLine {
  std::vector<std::size_t> members;
  std::size_t preferred = 0;
};

struct SuppressionStats {
  std::size_t primary = 0;        ///< fewer than k distinct devices
  std::size_t complementary = 0;  ///< withheld so that a primary one cannot be derived
};

/// Small-cell suppression on cells tied together by `lines`. Primary: a non-zero cell with fewer
/// than k devices is suppressed. Complementary: while some line has exactly one suppressed
/// member — which its published relation would reveal — the smallest non-zero unsuppressed
/// member of that line (among the preferred ones first) is suppressed too; repeated to a fixed
/// point. Pure.
SuppressionStats suppress(std::vector<SuppressionCell>& cells,
                          const std::vector<SuppressionLine>& lines, std::uint64_t k);

/// Applies suppress() to a report with k = report.privacy.k. The lines are every relation the
/// report publishes: per day and action, category rows (cells over groups = row total), group
/// columns (cells over categories = column total) and both margins of the action total; per day,
/// the request totals per group over actions and the day total over groups and over actions;
/// and, when the listed domains of a (category, action) add up to all of its blocked requests,
/// the relation between those domains and the days' row totals (a listed domain is then the
/// preferred complement, so that the relation does not spread suppression to other days).
SuppressionStats apply_suppression(Report& report);

}  // namespace edugate::reporting
