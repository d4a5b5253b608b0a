#pragma once

#include <cstddef>
#include <optional>

#include "reporting/department/pg_connection.hpp"

namespace edugate::reporting::department {

/// Brings week_rollup up to date: every week whose set of current reports differs from the one
/// its rollup was built from (a new report, a revision), and every week when the registry has
/// changed since (a school that moved district moves its history), is added up again from
/// report_cells, each week in one REPEATABLE READ transaction, so its rollup and its
/// fingerprint come from one snapshot. Sums (saturating) the cells of a real category and group
/// of block, warn and allow, by district, age band, action and category. Returns the weeks
/// rebuilt, or nullopt at once when another refresher (another service on the same database)
/// holds the advisory lock: the caller tries again later. A week that fails does not stop the
/// others; the first failure is thrown (PgError) once they are done.
std::optional<std::size_t> refresh_week_rollups(PgConnection& db);

}  // namespace edugate::reporting::department
