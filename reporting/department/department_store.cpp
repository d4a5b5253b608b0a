#include "reporting/department/department_store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "reporting/calendar.hpp"
#include "reporting/department/department_schema.hpp"

namespace edugate::reporting::department {

namespace {

/// Serialises migrations across services sharing a database (an arbitrary constant).
constexpr const char* kMigrationLock = "7262019";

}  // namespace

void DepartmentStore::migrate() {
  const PgAdvisoryLock lock(db_, kMigrationLock);
  db_.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
      "applied_at timestamptz NOT NULL DEFAULT now())");
  const auto have = db_.exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  const auto version = static_cast<int>(have.integer(0, 0));
  const auto migrations = department_migrations();
  if (version > static_cast<int>(migrations.size()))
    throw std::runtime_error(fmt::format(
        "the database has schema version {}, newer than this edugate's {}: upgrade edugate",
        version, migrations.size()));
  for (auto v = static_cast<std::size_t>(version); v < migrations.size(); ++v) {
    PgTransaction tx(db_);
    db_.exec_script(migrations[v]);
    db_.exec("INSERT INTO schema_migrations (version) VALUES ($1)", {std::to_string(v + 1)});
    tx.commit();
  }
}

DepartmentStore::ImportSummary DepartmentStore::import_registry(
    const std::vector<RegisteredSchool>& schools, bool allow_shrink) {
  ImportSummary summary;
  PgTransaction tx(db_);
  const auto before = static_cast<std::size_t>(
      db_.exec("SELECT count(*) FROM schools WHERE in_registry").integer(0, 0));
  std::vector<std::string> ids;
  ids.reserve(schools.size());
  for (const auto& s : schools) {
    ids.push_back(s.id);
    // xmax = 0 on the returned row: inserted; a row returned otherwise was updated; no row:
    // nothing differed.
    const auto r = db_.exec(
        "INSERT INTO schools AS s (school_id, name, district, levels, public_key, pull_url, "
        "pull_token_file) VALUES ($1, $2, $3, $4::text[], $5, $6, $7) "
        "ON CONFLICT (school_id) DO UPDATE SET name = EXCLUDED.name, district = "
        "EXCLUDED.district, levels = EXCLUDED.levels, public_key = EXCLUDED.public_key, "
        "pull_url = EXCLUDED.pull_url, pull_token_file = EXCLUDED.pull_token_file, "
        "in_registry = true, updated_at = now() "
        "WHERE (s.name, s.district, s.levels, s.public_key, s.pull_url, s.pull_token_file, "
        "s.in_registry) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.district, EXCLUDED.levels, "
        "EXCLUDED.public_key, EXCLUDED.pull_url, EXCLUDED.pull_token_file, true) "
        "RETURNING (xmax = 0)",
        {s.id, s.name, s.district, array_literal(s.levels), s.public_key, s.pull_url,
         s.pull_token_file});
    if (r.rows() == 0)
      ++summary.unchanged;
    else if (r.boolean(0, 0))
      ++summary.added;
    else
      ++summary.updated;
  }
  const auto retired = db_.exec(
      "UPDATE schools SET in_registry = false, updated_at = now() "
      "WHERE in_registry AND NOT (school_id = ANY ($1::text[])) RETURNING school_id",
      {array_literal(ids)});
  summary.retired = static_cast<std::size_t>(retired.rows());
  // A registry cut short (a file saved half-way, a wrong sheet) must not retire half a province,
  // whose appliances would then be refused as unknown schools.
  if (!allow_shrink && summary.retired > 0 && (schools.empty() || summary.retired * 2 > before))
    throw std::runtime_error(fmt::format(
        "the registry would retire {} of the {} schools it holds: refused (a truncated file?); "
        "to mean it, import it with: edugate department schools import FILE --allow-shrink",
        summary.retired, before));
  tx.commit();
  return summary;
}

std::vector<std::pair<std::string, std::string>> DepartmentStore::registered_keys() {
  const auto r = db_.exec("SELECT school_id, public_key FROM schools WHERE in_registry");
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.text(i, 0), r.text(i, 1));
  return out;
}

std::optional<int> DepartmentStore::find_repeat(const IngestedReport& report) {
  const auto same =
      db_.exec("SELECT revision FROM reports WHERE content_sha256 = $1 OR sha256 = $2 LIMIT 1",
               {report.content_sha256, report.sha256});
  if (same.rows() == 0) return std::nullopt;
  return static_cast<int>(same.integer(0, 0));
}

DepartmentStore::StoreOutcome DepartmentStore::store_report(const IngestedReport& report,
                                                            std::string_view body) {
  PgTransaction tx(db_);
  // One writer per school, node and week at a time: two deliveries of one report racing each
  // other store it once, and revisions number without gaps.
  db_.exec("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
           {report.school_id + '\n' + report.node + '\n' + report.iso_week});
  if (const auto same = find_repeat(report)) {
    tx.commit();
    return {Stored::repeat, *same};
  }
  const auto last = db_.exec(
      "SELECT coalesce(max(revision), 0) FROM reports "
      "WHERE school_id = $1 AND node = $2 AND iso_week = $3",
      {report.school_id, report.node, report.iso_week});
  const int revision = static_cast<int>(last.integer(0, 0)) + 1;
  if (revision > 1)
    db_.exec(
        "UPDATE reports SET current = false "
        "WHERE school_id = $1 AND node = $2 AND iso_week = $3 AND current",
        {report.school_id, report.node, report.iso_week});
  const auto inserted = db_.exec(
      "INSERT INTO reports (school_id, node, iso_week, period_from, period_to, revision, "
      "current, sha256, content_sha256, schema_version, generator, bundles, document, "
      "verified_with, summary) "
      "VALUES ($1, $2, $3, $4, $5, $6, true, $7, $8, $9, $10, $11::jsonb, $12, $13, $14) "
      "RETURNING id",
      {report.school_id, report.node, report.iso_week, report.period_from, report.period_to,
       std::to_string(revision), report.sha256, report.content_sha256,
       std::to_string(report.schema_version), report.generator, report.bundles_json,
       std::string(body), report.verified_with, report.summary_json});
  const auto id = inserted.text(0, 0);
  std::string rows;
  rows.reserve(report.cells.size() * 64);
  for (const auto& c : report.cells) {
    rows += id;
    for (const auto* v : {&c.day, &c.action, &c.category, &c.group, &c.age}) {
      rows += '\t';
      copy_escape(rows, *v);
    }
    rows += '\t';
    rows += c.requests ? std::to_string(*c.requests) : "\\N";
    rows += '\n';
  }
  if (!report.categories.empty()) {
    std::vector<std::string> keys, vi, en;
    for (const auto& c : report.categories) {
      keys.push_back(c.key);
      vi.push_back(c.vi);
      en.push_back(c.en);
    }
    // In key order, as every delivery writes them: two deliveries cannot deadlock on them.
    db_.exec(
        "INSERT INTO category_labels AS l (category, school_id, vi, en) "
        "SELECT c, $1, v, e FROM unnest($2::text[], $3::text[], $4::text[]) AS t (c, v, e) "
        "ON CONFLICT (category, school_id) DO UPDATE SET vi = EXCLUDED.vi, en = EXCLUDED.en "
        "WHERE (l.vi, l.en) IS DISTINCT FROM (EXCLUDED.vi, EXCLUDED.en)",
        {report.school_id, array_literal(keys), array_literal(vi), array_literal(en)});
  }
  if (!rows.empty())
    db_.copy_in(
        "COPY report_cells (report_id, day, action, category, grp, age, requests) FROM STDIN",
        rows);
  tx.commit();
  return {revision == 1 ? Stored::created : Stored::revision, revision};
}

DepartmentStore::Completeness DepartmentStore::completeness(std::string_view iso_week,
                                                            std::string_view timezone,
                                                            std::chrono::seconds late_after) {
  Completeness out;
  out.week = std::string(iso_week);
  const auto days = parse_iso_week(iso_week);
  if (!days) throw std::invalid_argument("not an ISO week (YYYY-Www): " + out.week);
  // The week ends at the Monday after it, 00:00 local time; a school is late when its first
  // report for the week arrived more than late_after after that.
  const auto r = db_.exec(
      "WITH first AS (SELECT school_id, min(received_at) AS first_at FROM reports "
      "               WHERE iso_week = $1 GROUP BY school_id), "
      "due AS (SELECT $4::date::timestamp AT TIME ZONE $2 "
      "               + make_interval(secs => $3::double precision) AS at) "
      "SELECT s.school_id, f.first_at IS NOT NULL, coalesce(f.first_at > due.at, false), "
      "       s.name, s.district, "
      "       coalesce(to_char(f.first_at AT TIME ZONE $2, 'YYYY-MM-DD HH24:MI'), '') "
      "FROM schools s CROSS JOIN due LEFT JOIN first f USING (school_id) "
      "WHERE s.in_registry ORDER BY s.school_id",
      {std::string(iso_week), std::string(timezone), std::to_string(late_after.count()),
       format_date(days->to + 1)});
  out.expected = static_cast<std::size_t>(r.rows());
  out.schools.reserve(out.expected);
  for (int i = 0; i < r.rows(); ++i) {
    out.schools.push_back(
        {r.text(i, 0), r.text(i, 3), r.text(i, 4), r.boolean(i, 1), r.boolean(i, 2), r.text(i, 5)});
    if (!r.boolean(i, 1)) {
      out.missing.push_back(r.text(i, 0));
      continue;
    }
    ++out.received;
    if (r.boolean(i, 2)) out.late.push_back(r.text(i, 0));
  }
  return out;
}

std::vector<DepartmentStore::PullTarget> DepartmentStore::pull_targets(
    const std::vector<std::string>& weeks) {
  const auto r = db_.exec(
      "SELECT s.school_id, s.pull_url, s.pull_token_file, w.week "
      "FROM schools s CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS w (week, n) "
      "WHERE s.in_registry AND s.pull_url <> '' AND NOT EXISTS "
      "(SELECT 1 FROM reports r WHERE r.school_id = s.school_id AND r.iso_week = w.week) "
      "ORDER BY s.school_id, w.n",
      {array_literal(weeks)});
  std::vector<PullTarget> out;
  for (int i = 0; i < r.rows(); ++i) {
    if (out.empty() || out.back().school_id != r.text(i, 0))
      out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), {}});
    out.back().weeks.push_back(r.text(i, 3));
  }
  return out;
}

DepartmentStore::Totals DepartmentStore::totals() {
  const auto r = db_.exec(
      "SELECT (SELECT count(*) FROM reports), (SELECT count(*) FROM schools WHERE in_registry)");
  return {r.integer(0, 0), r.integer(0, 1)};
}

}  // namespace edugate::reporting::department
