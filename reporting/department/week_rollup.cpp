#include "reporting/department/week_rollup.hpp"

#include <string>
#include <vector>

namespace edugate::reporting::department {

namespace {

/// Held while rollups are rebuilt (an arbitrary constant, other than the migrations').
constexpr const char* kRollupLock = "7262020";

/// A week's current reports: how many and the sum of their ids. A new report adds an id; a
/// revision replaces one with a larger one; so any change to the set changes the pair.
constexpr const char* kFingerprints =
    "SELECT iso_week, count(*), sum(id), count(DISTINCT school_id), "
    "(SELECT max(updated_at) FROM schools) FROM reports WHERE current";

}  // namespace

std::optional<std::size_t> refresh_week_rollups(PgConnection& db) {
  const PgAdvisoryLock lock(db, kRollupLock, /*wait=*/false);
  if (!lock.held()) return std::nullopt;
  const auto stale = db.exec(
      std::string("SELECT f.iso_week FROM (") + kFingerprints +
      " GROUP BY iso_week) AS f (iso_week, reports, id_sum, schools, registry_at) "
      "LEFT JOIN week_rollup_state s USING (iso_week) "
      "WHERE s.iso_week IS NULL OR (s.reports, s.id_sum) <> (f.reports, f.id_sum) "
      "OR s.registry_at IS DISTINCT FROM (SELECT max(updated_at) FROM schools) "
      "UNION SELECT iso_week FROM week_rollup_state s "
      "WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.current AND r.iso_week = s.iso_week) "
      "ORDER BY 1");
  std::vector<std::string> weeks;
  for (int i = 0; i < stale.rows(); ++i) weeks.push_back(stale.text(i, 0));
  std::optional<PgError> failed;
  std::size_t rebuilt = 0;
  for (const auto& week : weeks) try {
      PgTransaction tx(db);
      db.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      db.exec("DELETE FROM week_rollup WHERE iso_week = $1", {week});
      db.exec("DELETE FROM week_rollup_state WHERE iso_week = $1", {week});
      db.exec(
          "INSERT INTO week_rollup (iso_week, district, age, action, category, requests, "
          "suppressed_cells) "
          "SELECT $1, s.district, c.age, c.action, c.category, "
          "least(coalesce(sum(c.requests), 0), 9000000000000000000)::bigint, "
          "count(*) FILTER (WHERE c.requests IS NULL) "
          "FROM reports r JOIN schools s USING (school_id) JOIN report_cells c ON c.report_id = "
          "r.id "
          "WHERE r.current AND r.iso_week = $1 AND c.grp <> '*' AND c.category <> '*' "
          "AND c.action IN ('block', 'warn', 'allow') "
          "GROUP BY s.district, c.age, c.action, c.category",
          {week});
      db.exec(std::string("INSERT INTO week_rollup_state (iso_week, reports, id_sum, schools, "
                          "registry_at) ") +
                  kFingerprints + " AND iso_week = $1 GROUP BY iso_week",
              {week});
      tx.commit();
      ++rebuilt;
    } catch (const PgError& e) {
      if (!failed) failed = e;
      if (!db.healthy()) break;  // the connection is gone: the next refresh starts afresh
    }
  if (failed) throw *failed;
  return rebuilt;
}

}  // namespace edugate::reporting::department
