#pragma once

#include <cstddef>

#include "reporting/department/pg_connection.hpp"

namespace edugate::reporting::department {

/// Brings week_rollup up to date: every week whose set of current reports differs from the one
/// its rollup was built from (a new report, a revision, or a registry change that cleared
/// week_rollup_state) is added up again from report_cells, each week in one REPEATABLE READ
/// transaction, so its rollup and its fingerprint come from one snapshot. Sums the cells the
/// province tables add (a real category and group; block, warn, allow), by district, age band,
/// action and category. Another service refreshing the same database at the same time makes
/// this one return at once (an advisory lock). Returns the weeks rebuilt; throws PgError.
std::size_t refresh_week_rollups(PgConnection& db);

}  // namespace edugate::reporting::department
