#include "reporting/report_html.hpp"

#include <fmt/format.h>

#include <map>

#include "reporting/calendar.hpp"
#include "reporting/report_text.hpp"
#include "reporting/svg_bar_chart.hpp"

namespace edugate::reporting {

namespace {

constexpr std::string_view kStyle = R"css(
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:2em;color:#222;max-width:60em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
.en{color:#666;font-weight:normal}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:bold}table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{border:1px solid #ccc;padding:.2em .4em;text-align:left}td.n{text-align:right}
.sup{color:#999;font-style:italic}.chart .label,.chart .value{font-size:12px;fill:#222}
.chart .note{font-size:13px;fill:#666}footer{margin-top:2em;font-size:.8em;color:#555}
@media print{body{margin:0;max-width:none}section{break-inside:avoid}h2{break-after:avoid}
a{color:inherit;text-decoration:none}}
section.reported{border:2px solid #b3261e;border-radius:6px;padding:0 1em 1em;background:#fff7f6}
section.reported h2{color:#b3261e;border-color:#e6b8b4}
)css";

std::string heading(std::string_view vi, std::string_view en) {
  return fmt::format("<h2>{} <span class=\"en\">/ {}</span></h2>", vi, en);
}

template <class E>
std::string value_cell(const E& e, bool merged) {
  if (e.suppressed && !merged) return "<td class=\"n sup\">ẩn / suppressed</td>";
  const auto extra = merged && e.suppressed_schools
                         ? fmt::format(
                               " <span class=\"sup\">(≥; {} trường ẩn / schools "
                               "suppressed)</span>",
                               e.suppressed_schools)
                         : std::string();
  return fmt::format("<td class=\"n\">{}{}</td>", e.requests, extra);
}

void add_bar(std::map<std::string, Bar>& bars, const std::string& key, std::string label,
             const ReportEntry& e, bool merged) {
  auto& b = bars[key];
  b.label = std::move(label);
  if (e.suppressed && !merged)
    b.partial = true;
  else
    b.value += e.requests;
  if (merged && e.suppressed_schools) b.partial = true;
}

std::string charts(const Report& r) {
  const bool merged = r.kind == "merged";
  std::map<std::string, Bar> days, categories, groups;
  for (const auto& e : r.entries) {
    if (e.action != "block") continue;
    if (e.category == "*" && e.group == "*")
      add_bar(days, format_date(e.day), format_date(e.day), e, merged);
    if (e.category != "*" && e.group == "*")
      add_bar(categories, e.category,
              category_vi(r, e.category) + " / " + category_en(r, e.category), e, merged);
    if (e.category == "*" && e.group != "*")
      add_bar(groups, e.group, group_name(r, e.group), e, merged);
  }
  auto values = [](const std::map<std::string, Bar>& m) {
    std::vector<Bar> v;
    for (const auto& [_, b] : m) v.push_back(b);
    return v;
  };
  return heading("Yêu cầu bị chặn theo ngày", "Blocked requests per day") +
         svg_bar_chart(values(days), "Yêu cầu bị chặn theo ngày / Blocked requests per day") +
         heading("Yêu cầu bị chặn theo danh mục", "Blocked requests per category") +
         svg_bar_chart(values(categories), "Yêu cầu bị chặn theo danh mục / per category") +
         heading("Yêu cầu bị chặn theo nhóm", "Blocked requests per group") +
         svg_bar_chart(values(groups), "Yêu cầu bị chặn theo nhóm / per group");
}

std::string summary(const Report& r) {
  std::string versions;
  for (const auto& v : r.rule_set_versions) {
    if (!versions.empty()) versions += ", ";
    versions += html_escape(v);
  }
  std::string out = "<dl>";
  auto item = [&out](std::string_view vi, std::string_view en, const std::string& value) {
    out += fmt::format("<dt>{} <span class=\"en\">/ {}</span></dt><dd>{}</dd>", vi, en, value);
  };
  item("Trường", "School", html_escape(schools_text(r)));
  item("Kỳ báo cáo", "Period",
       fmt::format("{} → {}{}", format_date(r.period.from), format_date(r.period.to),
                   r.iso_week.empty() ? "" : " (" + r.iso_week + ")"));
  item("Phiên bản bộ quy tắc", "Rule-set versions", versions.empty() ? "—" : versions);
  item("Bộ quy tắc của Sở", "Department bundles", html_escape(bundles_text(r)));
  item("Ngưỡng k", "Threshold k",
       fmt::format("{} thiết bị khác nhau / distinct devices", r.privacy.k));
  item("Nhiễu", "Noise", html_escape(noise_text(r.privacy)));
  return out + "</dl>";
}

/// The domains pupils reported, harmful ones first and framed: what the department most needs.
std::string reported_sites(const Report& r) {
  const bool merged = r.kind == "merged";
  std::string out;
  const std::pair<std::string_view, std::pair<std::string_view, std::string_view>> kinds[] = {
      {"harmful", {"Trang học sinh báo cáo là có hại", "Sites pupils reported as harmful"}},
      {"wrongly-blocked",
       {"Trang học sinh cho là bị chặn nhầm", "Sites pupils say are wrongly blocked"}}};
  for (const auto& [kind, title] : kinds) {
    std::string rows;
    for (const auto& s : r.site_reports) {
      if (s.kind != kind) continue;
      rows +=
          fmt::format("<tr><td>{}</td><td class=\"n\">{}</td>{}</tr>", html_escape(s.domain),
                      s.devices, merged ? fmt::format("<td class=\"n\">{}</td>", s.schools) : "");
    }
    out += heading(title.first, title.second);
    if (rows.empty()) {
      out += "<p>Không có trang nào. <span class=\"en\">None.</span></p>";
      continue;
    }
    out += fmt::format(
        "<table><thead><tr><th>Tên miền / Domain</th><th>Thiết bị / Devices</th>{}</tr></thead>"
        "<tbody>{}</tbody></table>",
        merged ? "<th>Trường / Schools</th>" : "", rows);
  }
  return out +
         "<p class=\"en\">Listed: domains that at least 2 distinct devices reported, or that the "
         "school confirmed. Devices: the most on any one day; never who, never when.</p>";
}

std::string detail_table(const Report& r) {
  const bool merged = r.kind == "merged";
  std::string out = heading("Bảng chi tiết", "Detail table") +
                    "<table><thead><tr><th>Ngày / Day</th><th>Hành động / Action</th>"
                    "<th>Danh mục / Category</th><th>Nhóm / Group</th>"
                    "<th>Yêu cầu / Requests</th></tr></thead><tbody>";
  for (const auto& e : r.entries)
    out += fmt::format("<tr><td>{}</td><td>{} / {}</td><td>{} / {}</td><td>{}</td>{}</tr>",
                       format_date(e.day), html_escape(action_vi(e.action)),
                       html_escape(action_en(e.action)), html_escape(category_vi(r, e.category)),
                       html_escape(category_en(r, e.category)), html_escape(group_name(r, e.group)),
                       value_cell(e, merged));
  out += "</tbody></table>" + heading("Tên miền bị chặn nhiều nhất", "Top blocked domains") +
         "<table><thead><tr><th>Tên miền / Domain</th><th>Danh mục / Category</th>"
         "<th>Hành động / Action</th><th>Yêu cầu / Requests</th></tr></thead><tbody>";
  for (const auto& d : r.top_domains)
    out += fmt::format("<tr><td>{}</td><td>{} / {}</td><td>{} / {}</td>{}</tr>",
                       html_escape(d.domain), html_escape(category_vi(r, d.category)),
                       html_escape(category_en(r, d.category)), html_escape(action_vi(d.action)),
                       html_escape(action_en(d.action)), value_cell(d, merged));
  return out + "</tbody></table>";
}

}  // namespace

std::string render_html(const Report& r) {
  std::string notes;
  for (const auto& n : r.notes) notes += "<p>" + html_escape(n) + "</p>";
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Báo cáo lọc nội dung / Content-filtering report — {}</title><style>{}</style></head>"
      "<body><header><h1>Báo cáo lọc nội dung <span class=\"en\">/ Content-filtering report"
      "</span></h1>{}</header><main><section class=\"reported\">{}</section><section>{}</section>"
      "<section>{}</section></main><footer>"
      "<p>Chỉ có số đếm tổng hợp; ô có ít hơn {} thiết bị khác nhau bị ẩn, cùng các ô cần ẩn "
      "thêm để không suy ra được. <span class=\"en\">Aggregate counts only; cells reached by "
      "fewer than {} distinct devices are suppressed, with complementary cells so they cannot "
      "be derived.</span></p>{}<p>{}</p></footer></body></html>\n",
      html_escape(schools_text(r)), kStyle, summary(r), reported_sites(r), charts(r),
      detail_table(r), r.privacy.k, r.privacy.k, notes, html_escape(r.generator));
}

}  // namespace edugate::reporting
