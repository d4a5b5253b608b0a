#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/department/pg_connection.hpp"
#include "reporting/labels.hpp"

namespace edugate::reporting::department {

/// What the department's dashboard shows, read from the week rollups (see week_rollup.hpp), so
/// that a page over a year of 3,000 schools adds up thousands of rows. Figures are sums of what
/// schools published: `partial` says some cell was suppressed, so the figure is a lower bound.

/// One week of the province trend.
struct WeekPoint {
  std::string iso_week;
  long long schools = 0;  ///< schools whose current report for the week is counted
  std::uint64_t blocked = 0, warned = 0;
  bool blocked_partial = false, warned_partial = false;
};

/// Blocked and warned requests for one category, age band or district over the period.
struct Slice {
  std::string key;
  std::uint64_t blocked = 0, warned = 0;
  bool blocked_partial = false, warned_partial = false;
};

struct Overview {
  std::string from, to;          ///< ISO weeks, inclusive
  std::vector<WeekPoint> weeks;  ///< every week of the period (at most ten years), oldest first
  std::vector<Slice> by_category, by_level, by_district;  ///< most blocked first
  std::map<std::string, CategoryLabel> labels;  ///< each category's label most schools use
  long long schools_registered = 0;
};

/// The newest ISO week up to `not_after` (the current week) that a report covers ("" when
/// there is none): a school's clock set years ahead does not move the dashboard there.
std::string newest_reported_week(PgConnection& db, std::string_view not_after);

/// The province over the ISO weeks [from, to] (both "YYYY-Www"). Throws PgError.
Overview dashboard_overview(PgConnection& db, std::string_view from, std::string_view to);

/// A school whose appliances ended the week on something other than the department's newest
/// verified bundle.
struct BehindSchool {
  std::string id, name, district;
  std::string bundle;  ///< "v11", "rules.department local"
  bool verified = false;
};

struct BundleStatus {
  std::string week;
  std::uint64_t newest = 0;  ///< the newest verified bundle any school ran that week (0: none)
  std::size_t on_newest = 0, unknown = 0;  ///< unknown: reports that name no bundle
  std::vector<BehindSchool> behind;        ///< by school id
};

/// Who ran which department bundle at the end of `iso_week`. Throws PgError.
BundleStatus bundle_status(PgConnection& db, std::string_view iso_week);

/// A school and node that sent more than one different report for a week (each kept; the
/// newest counts).
struct RevisedReport {
  std::string school_id, node;
  int revisions = 0;
};
std::vector<RevisedReport> revised_reports(PgConnection& db, std::string_view iso_week);

/// A domain that pupils reported, over the schools' current reports of a week (their
/// `site_reports`): how many schools listed it, the sum of their distinct devices, and the
/// districts.
struct ReportedSite {
  std::string domain, kind;  ///< kind: "harmful" or "wrongly-blocked"
  std::uint64_t schools = 0, devices = 0;
  std::string districts;  ///< "D1, D2"
};
struct ReportedSites {
  std::string week;
  std::vector<ReportedSite> sites;  ///< harmful first, then most schools; at most kMaxRows
  bool more = false;                ///< more than kMaxRows
  static constexpr int kMaxRows = 200;
};
/// Throws PgError.
ReportedSites reported_sites(PgConnection& db, std::string_view iso_week);

}  // namespace edugate::reporting::department
