#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "reporting/settings.hpp"
#include "rules/rule_set.hpp"

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
  /// For the review list: the rules in force (the category a reported domain is in now) and
  /// the school's review file (rules.review; empty: none).
  std::shared_ptr<const rules::RuleSet> rules;
  std::string review_file;
};

/// The admin listener's status page: this ISO week's blocked requests per day, per category and
/// per group as inline SVG charts (the same small-cell suppression as the reports), the rule-set
/// version and the uptime, and the review list: the domains pupils reported this week (kind,
/// distinct devices, the category they are in now, the school's decision). One self-contained
/// HTML document, bilingual. Reads the store
/// read-only; a store that cannot be read is shown as such.
std::string render_status_page(const reporting::ReportingSettings& settings,
                               const StatusFacts& facts);

}  // namespace edugate::proxy::server
