#include "reporting/department/province_tables.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "reporting/calendar.hpp"
#include "reporting/html_escape.hpp"
#include "reporting/report_csv.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_text.hpp"
#include "reporting/svg_bar_chart.hpp"

namespace edugate::reporting::department {

std::optional<Breakdown> parse_breakdown(std::string_view text) noexcept {
  if (text == "district") return Breakdown::district;
  if (text == "level") return Breakdown::level;
  if (text == "school") return Breakdown::school;
  return std::nullopt;
}

std::string_view to_string(Breakdown b) noexcept {
  switch (b) {
    case Breakdown::district:
      return "district";
    case Breakdown::level:
      return "level";
    case Breakdown::school:
      return "school";
  }
  return "district";
}

std::string level_label(std::string_view age) {
  if (age == "mam-non") return "Mầm non / Preschool";
  if (age == "tieu-hoc") return "Tiểu học / Primary";
  if (age == "thcs") return "THCS / Lower secondary";
  if (age == "thpt") return "THPT / Upper secondary";
  if (age == "staff") return "Cán bộ, giáo viên / Staff";
  if (age == "?") return "Chưa rõ / Unknown";
  return std::string(age);
}

namespace {

std::string key_label(Breakdown by, const std::string& key) {
  return by == Breakdown::level ? level_label(key) : key;
}

std::string by_vi(Breakdown by) {
  switch (by) {
    case Breakdown::district:
      return "Quận/huyện";
    case Breakdown::level:
      return "Cấp học";
    case Breakdown::school:
      return "Trường";
  }
  return "";
}

std::string render_csv_table(const BreakdownTable& t) {
  std::string out = "\xEF\xBB\xBF";  // Excel reads UTF-8 only with its byte-order mark
  out +=
      fmt::format("{},action,hanh_dong,category,danh_muc,category_en,requests,suppressed_cells\r\n",
                  to_string(t.by));
  for (const auto& r : t.rows)
    out +=
        fmt::format("{},{},{},{},{},{},{},{}\r\n", csv_field(r.key), csv_field(r.action),
                    csv_field(action_vi(r.action)), csv_field(r.category),
                    csv_field(category_vi(t.labels, r.category)),
                    csv_field(category_en(t.labels, r.category)), r.requests, r.suppressed_cells);
  return out;
}

std::string render_json_table(const BreakdownTable& t) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : t.rows)
    rows.push_back({{"key", r.key},
                    {"action", r.action},
                    {"category", r.category},
                    {"requests", r.requests},
                    {"suppressed_cells", r.suppressed_cells}});
  nlohmann::json categories = nlohmann::json::object();
  for (const auto& [key, c] : t.labels.categories) categories[key] = {{"vi", c.vi}, {"en", c.en}};
  return nlohmann::json{
             {"by", std::string(to_string(t.by))},
             {"period", {{"from", format_date(t.period.from)}, {"to", format_date(t.period.to)}}},
             {"schools", t.schools},
             {"categories", categories},
             {"rows", rows}}
             .dump(2) +
         "\n";
}

std::string render_html_table(const BreakdownTable& t) {
  std::map<std::string, std::pair<std::uint64_t, bool>> blocked;
  for (const auto& r : t.rows) {
    if (r.action != "block") continue;
    auto& b = blocked[r.key];
    b.first += r.requests;
    b.second = b.second || r.suppressed_cells > 0;
  }
  std::vector<Bar> bars;
  for (const auto& [key, b] : blocked) bars.push_back({key_label(t.by, key), b.first, b.second});
  std::string out = fmt::format(
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<title>Thống kê theo {0} / Province table by {1}</title>"
      "<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}"
      "td,th{{border:1px solid #999;padding:.3em .6em}}td.n{{text-align:right}}</style></head>"
      "<body><h1>Thống kê theo {0} <small>/ by {1}</small></h1>"
      "<p>{2} → {3}: {4} trường / schools. Số liệu là tổng các số trường đã công bố; ô bị ẩn "
      "(dưới ngưỡng k) không được cộng / Sums of what schools published; suppressed cells add "
      "nothing.</p>",
      html_escape(by_vi(t.by)), to_string(t.by), format_date(t.period.from),
      format_date(t.period.to), t.schools);
  out += svg_bar_chart(bars, "Lượt chặn / Blocked requests");
  out += fmt::format(
      "<table><thead><tr><th>{}</th><th>Hành động / Action</th><th>Danh mục / Category</th>"
      "<th>Lượt / Requests</th><th>Ô ẩn / Suppressed cells</th></tr></thead><tbody>",
      html_escape(by_vi(t.by)));
  for (const auto& r : t.rows)
    out += fmt::format(
        "<tr><td>{}</td><td>{} / {}</td><td>{} / {}</td><td class=\"n\">{}{}</td>"
        "<td class=\"n\">{}</td></tr>",
        html_escape(key_label(t.by, r.key)), html_escape(action_vi(r.action)),
        html_escape(action_en(r.action)), html_escape(category_vi(t.labels, r.category)),
        html_escape(category_en(t.labels, r.category)), r.suppressed_cells ? "≥ " : "", r.requests,
        r.suppressed_cells);
  out += "</tbody></table></body></html>\n";
  return out;
}

}  // namespace

std::string render_breakdown(const BreakdownTable& table, std::string_view format) {
  if (format == "csv") return render_csv_table(table);
  if (format == "html") return render_html_table(table);
  return render_json_table(table);
}

}  // namespace edugate::reporting::department
