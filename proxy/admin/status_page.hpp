#pragma once

#include <chrono>
#include <string>

#include "reporting/settings.hpp"

namespace edugate::proxy::server {

/// What the status page shows besides the week's counts.
struct StatusFacts {
  std::string rules_version;  ///< empty when no rules are configured
  std::chrono::seconds uptime{0};
  std::int32_t today = 0;   ///< local day (days since 1970-01-01)
  std::string store_error;  ///< empty when the last flush worked
  /// The department rules: "version 7 (fetched and verified, expires …)", "rules.department
  /// (signed)"…; and why updates fail or the bundle is stale (empty when all is well).
  std::string department;
  std::string department_problem;
};

/// The admin listener's status page: this ISO week's blocked requests per day, per category and
/// per group as inline SVG charts (the same small-cell suppression as the reports), the rule-set
/// version and the uptime. One self-contained HTML document, bilingual. Reads the store
/// read-only; a store that cannot be read is shown as such.
std::string render_status_page(const reporting::ReportingSettings& settings,
                               const StatusFacts& facts);

}  // namespace edugate::proxy::server
