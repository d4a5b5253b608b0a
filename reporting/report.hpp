#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "reporting/calendar.hpp"
#include "reporting/department_bundle.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/labels.hpp"

namespace edugate::reporting {

/// Version of the report JSON schema (see report_json.hpp). Bump on any incompatible change.
/// 2: groups carry their age band (labels.groups.<id> = {"name", "age"}), schools the department
/// bundles in force. Reports of schema 1 are still read (merges across versions).
inline constexpr int kReportSchemaVersion = 2;

/// One published number: requests on `day` for (action, category, group); "*" in a dimension
/// means the total over it (row/column/grand totals). Events (review_request, site_report) are
/// actions too but not part of the "*"-action totals.
struct ReportEntry {
  LocalDay day = 0;
  std::string action, category, group;
  std::uint64_t requests = 0;  ///< the published value (noisy when noise is on)
  std::uint64_t devices = 0;   ///< distinct-device lower bound; never exported
  bool suppressed = false;     ///< requests withheld: fewer than k devices, or complementary
  std::uint32_t suppressed_schools = 0;  ///< merged reports: schools that withheld this cell
};

/// A row of the top blocked/warned registrable domains over the whole period.
struct DomainEntry {
  std::string domain, category, action;
  std::uint64_t requests = 0;
  std::uint64_t devices = 0;  ///< max over days of the daily lower bound; never exported
  bool suppressed = false;
  std::uint32_t suppressed_schools = 0;
};

/// A domain pupils reported through the portal (reporting/site_reports.hpp), as published:
/// reported by at least 2 devices, or confirmed by the school (`edugate review`). No group, no
/// day.
struct SiteReportEntry {
  std::string domain;
  std::string kind;           ///< "harmful" or "wrongly-blocked"
  std::uint64_t devices = 0;  ///< distinct devices (the most on one day)
  std::uint32_t schools = 1;  ///< merged reports: schools that listed it
};

/// At most this many reported domains in one report (the most reported first).
inline constexpr std::size_t kMaxSiteReports = 500;

/// The privacy parameters a report states about itself.
struct PrivacyInfo {
  int k = 10;
  bool noise = false;
  double epsilon_per_week = 0;
  double sensitivity = 0;  ///< published values one request can change (L1 sensitivity)
  double scale = 0;        ///< Laplace scale b = sensitivity / epsilon
};

/// A school that a report covers.
struct SchoolInfo {
  std::string id, name;
  std::string public_key;  ///< base64 Ed25519 key that signed its report ("" if unsigned)
  PrivacyInfo privacy;     ///< merged reports: that school's parameters
  /// The appliances whose counts the report holds (reporting.node_id): one in a school report,
  /// every node merged for that school in a merged one; empty in reports from before nodes.
  std::vector<std::string> nodes;
  /// The department bundles this school's appliances enforced in the period, first day first.
  std::vector<BundleInForce> department_bundles;
};

/// A weekly (or any date range) report of one school, or a merge of several.
struct Report {
  std::string kind = "school";  ///< "school" or "merged"
  std::vector<SchoolInfo> schools;
  DayRange period;
  std::string iso_week;  ///< "2026-W47" when the period is exactly that week, else ""
  std::vector<std::string> rule_set_versions;
  PrivacyInfo privacy;
  std::map<std::string, CategoryLabel> categories;  ///< by key
  std::map<std::string, GroupLabel> groups;         ///< by key
  std::vector<ReportEntry> entries;
  std::vector<DomainEntry> top_domains;
  std::vector<SiteReportEntry> site_reports;  ///< harmful first
  std::vector<std::string> notes;
  std::string generator;  ///< "edugate 0.1.0"
};

}  // namespace edugate::reporting
