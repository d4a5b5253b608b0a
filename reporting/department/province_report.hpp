#pragma once

#include <optional>
#include <string>
#include <vector>

#include "reporting/calendar.hpp"
#include "reporting/department/department_store.hpp"
#include "reporting/department/province_tables.hpp"
#include "reporting/report.hpp"

namespace edugate::reporting::department {

/// A province report over a period: what merge_reports makes of the current revision of every
/// report in the database whose week overlaps the period, clipped to the period's days, and
/// optionally broken down by district, level or school (what breakdown() makes of it). Each
/// report's signature was verified when it arrived, with the key the registry then held for its
/// school (kept beside it), so a school's later key (a rotation) does not unmake its old weeks;
/// verifying again with keys read from the same database would protect against nobody who can
/// write to it. The cells are added up by PostgreSQL (ProvinceSnapshot); the rest of each
/// report (school, nodes, bundles, labels, top domains) is read from its summary.
struct ProvinceReport {
  std::optional<Report> report;           ///< nullopt when nothing could be added up
  std::optional<BreakdownTable> table;    ///< when a breakdown was asked for
  std::vector<std::string> refused;       ///< "<school> <week> #n: <why>" for each one left out
  std::size_t reports = 0, accepted = 0;  ///< read from the database, and added up
};

/// Reads the summaries a batch at a time, parsing each batch on `threads` threads (0: one per
/// CPU) and adding them up in the database's order, all in one snapshot: a school year of 3,000
/// schools is neither held in memory at once nor read on one core. Throws PgError.
ProvinceReport build_province_report(DepartmentStore& store, DayRange period,
                                     std::optional<Breakdown> by, const std::string& generator,
                                     unsigned threads = 0);

}  // namespace edugate::reporting::department
