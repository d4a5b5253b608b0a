#include "reporting/department/dashboard_data.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "reporting/calendar.hpp"
#include "reporting/department_bundle.hpp"

namespace edugate::reporting::department {

namespace {

/// The longest period a page shows week by week (ten years).
constexpr std::size_t kMaxWeeks = 530;

std::uint64_t count(const PgResult& r, int row, int col) {
  return static_cast<std::uint64_t>(std::max(0LL, r.integer(row, col)));
}

void most_blocked_first(std::vector<Slice>& slices) {
  std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) {
    return a.blocked != b.blocked ? a.blocked > b.blocked : a.key < b.key;
  });
}

/// A report's department_bundles as the ingest stored them (bundles_to_json); unreadable
/// entries are skipped (the document was checked when it arrived).
std::vector<BundleInForce> stored_bundles(const std::string& text) {
  std::vector<BundleInForce> out;
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_array()) return out;
  for (const auto& b : json) {
    if (!b.is_object()) continue;
    const auto from = parse_date(b.value("from", ""));
    const auto to = parse_date(b.value("to", ""));
    if (!from || !to) continue;
    out.push_back(
        {{b.value("version", ""), b.value("source", ""), b.value("verified", false)}, *from, *to});
  }
  return out;
}

}  // namespace

std::string newest_reported_week(PgConnection& db, std::string_view not_after) {
  const auto r =
      db.exec("SELECT coalesce(max(iso_week), '') FROM reports WHERE current AND iso_week <= $1",
              {std::string(not_after)});
  return r.text(0, 0);
}

Overview dashboard_overview(PgConnection& db, std::string_view from, std::string_view to) {
  Overview out;
  out.from = std::string(from);
  out.to = std::string(to);
  PgTransaction tx(db);  // one snapshot for every figure on the page
  db.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  const auto weeks = db.exec(
      "SELECT iso_week, schools FROM week_rollup_state WHERE iso_week BETWEEN $1 AND $2 "
      "ORDER BY iso_week",
      {out.from, out.to});
  // Every week of the period, those without a report too (an outage shows as a gap).
  std::map<std::string, std::size_t> week_at;
  const auto first = parse_iso_week(from), last = parse_iso_week(to);
  if (first && last)
    for (auto day = first->from; day <= last->from && out.weeks.size() < kMaxWeeks; day += 7) {
      week_at[iso_week_of(day)] = out.weeks.size();
      out.weeks.push_back({iso_week_of(day), 0, 0, 0, false, false});
    }
  for (int i = 0; i < weeks.rows(); ++i)
    if (const auto w = week_at.find(weeks.text(i, 0)); w != week_at.end())
      out.weeks[w->second].schools = weeks.integer(i, 1);
  // One pass over the period's rollup rows for all four views.
  const auto sums = db.exec(
      "SELECT CASE WHEN GROUPING(iso_week) = 0 THEN 'w' WHEN GROUPING(category) = 0 THEN 'c' "
      "            WHEN GROUPING(age) = 0 THEN 'a' ELSE 'd' END, "
      "       coalesce(iso_week, category, age, district), "
      "       least(coalesce(sum(requests) FILTER (WHERE action = 'block'), 0), 9e18)::bigint, "
      "       least(coalesce(sum(requests) FILTER (WHERE action = 'warn'), 0), 9e18)::bigint, "
      "       coalesce(sum(suppressed_cells) FILTER (WHERE action = 'block'), 0), "
      "       coalesce(sum(suppressed_cells) FILTER (WHERE action = 'warn'), 0) "
      "FROM week_rollup WHERE iso_week BETWEEN $1 AND $2 AND action IN ('block', 'warn') "
      "GROUP BY GROUPING SETS ((iso_week), (category), (age), (district))",
      {out.from, out.to});
  for (int i = 0; i < sums.rows(); ++i) {
    const auto kind = sums.text(i, 0);
    Slice s{sums.text(i, 1), count(sums, i, 2), count(sums, i, 3), count(sums, i, 4) > 0,
            count(sums, i, 5) > 0};
    if (kind == "w") {
      if (const auto w = week_at.find(s.key); w != week_at.end()) {
        auto& point = out.weeks[w->second];
        point.blocked = s.blocked;
        point.warned = s.warned;
        point.blocked_partial = s.blocked_partial;
        point.warned_partial = s.warned_partial;
      }
    } else if (kind == "c") {
      out.by_category.push_back(std::move(s));
    } else if (kind == "a") {
      if (s.key.empty()) s.key = "?";  // schema 1 reports carry no age band
      out.by_level.push_back(std::move(s));
    } else {
      out.by_district.push_back(std::move(s));
    }
  }
  most_blocked_first(out.by_category);
  most_blocked_first(out.by_level);
  most_blocked_first(out.by_district);
  // A category's label is the one most schools give it: one school cannot rename it.
  const auto labels = db.exec(
      "SELECT DISTINCT ON (category) category, vi, en FROM category_labels "
      "GROUP BY category, vi, en ORDER BY category, count(*) DESC, vi, en");
  for (int i = 0; i < labels.rows(); ++i)
    out.labels[labels.text(i, 0)] = {labels.text(i, 0), labels.text(i, 1), labels.text(i, 2)};
  out.schools_registered = db.exec("SELECT count(*) FROM schools WHERE in_registry").integer(0, 0);
  tx.commit();
  return out;
}

BundleStatus bundle_status(PgConnection& db, std::string_view iso_week) {
  BundleStatus out;
  out.week = std::string(iso_week);
  const auto r = db.exec(
      "SELECT r.school_id, s.name, s.district, r.bundles::text FROM reports r "
      "JOIN schools s USING (school_id) WHERE r.current AND r.iso_week = $1 ORDER BY r.school_id",
      {out.week});
  struct School {
    std::string name, district;
    std::vector<BundleInForce> bundles;  ///< over all its nodes
  };
  std::map<std::string, School> schools;
  for (int i = 0; i < r.rows(); ++i) {
    auto& s = schools[r.text(i, 0)];
    s.name = r.text(i, 1);
    s.district = r.text(i, 2);
    for (auto& b : stored_bundles(r.text(i, 3))) {
      if (b.bundle.verified) out.newest = std::max(out.newest, bundle_number(b.bundle));
      s.bundles.push_back(std::move(b));
    }
  }
  for (const auto& [id, s] : schools) {
    const auto* last = bundle_at_end(s.bundles);
    if (!last) {
      ++out.unknown;
    } else if (last->bundle.verified && bundle_number(last->bundle) == out.newest &&
               out.newest > 0) {
      ++out.on_newest;
    } else {
      out.behind.push_back(
          {id, s.name, s.district, bundle_name(last->bundle), last->bundle.verified});
    }
  }
  return out;
}

std::vector<RevisedReport> revised_reports(PgConnection& db, std::string_view iso_week) {
  const auto r = db.exec(
      "SELECT school_id, node, max(revision) FROM reports WHERE iso_week = $1 "
      "GROUP BY school_id, node HAVING max(revision) > 1 ORDER BY school_id, node",
      {std::string(iso_week)});
  std::vector<RevisedReport> out;
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), static_cast<int>(r.integer(i, 2))});
  return out;
}

ReportedSites reported_sites(PgConnection& db, std::string_view iso_week) {
  ReportedSites out;
  out.week = std::string(iso_week);
  // The documents were checked at ingest (site_reports: at most 500, kind and devices bounded).
  const auto r = db.exec(
      "SELECT e->>'domain', e->>'kind', count(DISTINCT r.school_id), "
      "       sum((e->>'devices')::bigint), string_agg(DISTINCT s.district, ', ' ORDER BY "
      "s.district) "
      "FROM reports r JOIN schools s USING (school_id) "
      "CROSS JOIN LATERAL jsonb_array_elements(coalesce(r.document::jsonb->'site_reports', "
      "                                                 '[]'::jsonb)) AS e "
      "WHERE r.current AND r.iso_week = $1 "
      "GROUP BY 1, 2 ORDER BY e->>'kind' <> 'harmful', 3 DESC, 4 DESC, 1 LIMIT $2",
      {out.week, std::to_string(ReportedSites::kMaxRows + 1)});
  for (int i = 0; i < r.rows() && i < ReportedSites::kMaxRows; ++i)
    out.sites.push_back({r.text(i, 0), r.text(i, 1), static_cast<std::uint64_t>(r.integer(i, 2)),
                         static_cast<std::uint64_t>(r.integer(i, 3)), r.text(i, 4)});
  out.more = r.rows() > ReportedSites::kMaxRows;
  return out;
}

}  // namespace edugate::reporting::department
