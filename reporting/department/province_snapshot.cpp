#include "reporting/department/province_snapshot.hpp"

#include <algorithm>
#include <stdexcept>

namespace edugate::reporting::department {

namespace {

std::string id_array(const std::vector<long long>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

/// The current reports of the period, less those left out, and their cells on its days.
constexpr const char* kPeriodCells =
    "FROM report_cells c JOIN reports r ON r.id = c.report_id "
    "WHERE r.current AND r.period_to >= $1::date AND r.period_from <= $2::date "
    "AND c.day BETWEEN $1::date AND $2::date AND NOT (r.id = ANY ($3::bigint[])) ";

}  // namespace

ProvinceSnapshot::ProvinceSnapshot(PgConnection& db, std::string_view from, std::string_view to)
    : db_(db), tx_(db), from_(from), to_(to) {
  db_.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
  // A school year's sums take longer than the service's 30 s deadline allows one statement.
  db_.exec("SET LOCAL statement_timeout = 0");
  db_.exec("SET LOCAL idle_in_transaction_session_timeout = 0");
}

ProvinceSnapshot::~ProvinceSnapshot() = default;  // the transaction rolls back: it wrote nothing

bool ProvinceSnapshot::next(std::vector<Summary>& batch) {
  batch.clear();
  if (cursor_done_) return false;
  if (!cursor_open_) {
    db_.exec(
        // In the order of reports_current_key (iso_week sorts as its weeks do): read in index
        // order, not sorted, so a year of summaries never goes through a sort.
        "DECLARE province NO SCROLL CURSOR FOR SELECT id, school_id, iso_week, "
        "CASE WHEN summary = '' THEN document ELSE summary END FROM reports "
        "WHERE current AND period_to >= $1::date AND period_from <= $2::date "
        "ORDER BY school_id, node, iso_week",
        {from_, to_});
    cursor_open_ = true;
  }
  const auto rows = db_.exec("FETCH 1024 FROM province");
  for (int i = 0; i < rows.rows(); ++i)
    batch.push_back({rows.integer(i, 0), rows.text(i, 1), rows.text(i, 2), rows.text(i, 3)});
  cursor_done_ = batch.empty();
  return !batch.empty();
}

std::vector<ProvinceSnapshot::CellSum> ProvinceSnapshot::cells(
    const std::vector<long long>& left_out) {
  const auto r = db_.exec(
      std::string("SELECT to_char(c.day, 'YYYY-MM-DD'), c.action, c.category, c.grp, "
                  "least(coalesce(sum(c.requests), 0), 9e18)::bigint, "
                  "count(*) FILTER (WHERE c.requests IS NULL) ") +
          kPeriodCells +
          "GROUP BY c.day, c.action, c.category, c.grp "
          "ORDER BY c.day, c.action COLLATE \"C\", c.category COLLATE \"C\", c.grp COLLATE \"C\"",
      {from_, to_, id_array(left_out)});
  std::vector<CellSum> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3),
                   static_cast<std::uint64_t>(r.integer(i, 4)),
                   static_cast<std::uint32_t>(r.integer(i, 5))});
  return out;
}

std::vector<ProvinceSnapshot::KeySum> ProvinceSnapshot::by_key(
    std::string_view by, const std::vector<long long>& left_out) {
  std::string key;
  if (by == "district")
    key = "(SELECT s.district FROM schools s WHERE s.school_id = r.school_id)";
  else if (by == "school")
    key = "r.school_id";
  else if (by == "level")
    key = "CASE WHEN c.age = '' THEN '?' ELSE c.age END";
  else
    throw std::invalid_argument("no such breakdown: " + std::string(by));
  const auto r = db_.exec(
      "SELECT k, action, category, least(sum(requests), 9e18)::bigint, sum(suppressed) "
      "FROM (SELECT " +
          key +
          " AS k, c.action, c.category, coalesce(sum(c.requests), 0) AS requests, "
          "count(*) FILTER (WHERE c.requests IS NULL) AS suppressed " +
          kPeriodCells +
          "AND c.grp <> '*' AND c.category <> '*' AND c.action <> '*' "
          "GROUP BY r.school_id, c.age, c.action, c.category) per_school "
          "GROUP BY k, action, category "
          "ORDER BY k COLLATE \"C\", action COLLATE \"C\", category COLLATE \"C\"",
      {from_, to_, id_array(left_out)});
  std::vector<KeySum> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int i = 0; i < r.rows(); ++i)
    out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2),
                   static_cast<std::uint64_t>(r.integer(i, 3)),
                   static_cast<std::uint64_t>(r.integer(i, 4))});
  return out;
}

}  // namespace edugate::reporting::department
