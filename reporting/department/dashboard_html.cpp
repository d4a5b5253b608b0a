#include "reporting/department/dashboard_html.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reporting/calendar.hpp"
#include "reporting/department/province_tables.hpp"
#include "reporting/html_escape.hpp"
#include "reporting/svg_bar_chart.hpp"

namespace edugate::reporting::department {

namespace {

constexpr std::string_view kStyle =
    "body{font-family:sans-serif;margin:0;color:#222}"
    "header{background:#1d3557;color:#fff;padding:.6em 1.5em;display:flex;flex-wrap:wrap;"
    "gap:1.2em;align-items:center}header a{color:#fff}header form{margin-left:auto}"
    "main{padding:1em 1.5em;max-width:70em}h1{font-size:1.4em}h2{font-size:1.15em;"
    "margin-top:1.6em}table{border-collapse:collapse;margin:.5em 0}"
    "td,th{border:1px solid #bbb;padding:.25em .6em;text-align:left}td.n{text-align:right}"
    "tr.missing td{background:#fde2e1}tr.late td{background:#fff4d6}.note{color:#555}"
    ".figures{display:flex;flex-wrap:wrap;gap:1em}.figures div{border:1px solid #ccc;"
    "padding:.5em 1em;border-radius:4px}.figures b{display:block;font-size:1.5em}"
    "svg text{font-size:12px;font-family:sans-serif}";

std::string page(std::string_view title, std::string_view body, bool signed_in = true) {
  std::string nav;
  if (signed_in)
    nav =
        "<nav><a href=\"/dashboard\">Tổng quan / Overview</a> · "
        "<a href=\"/dashboard/completeness\">Báo cáo đã nhận / Completeness</a> · "
        "<a href=\"/dashboard/reported\">Trang học sinh báo cáo / Reported sites</a> · "
        "<a href=\"/dashboard/bundles\">Bộ quy tắc / Rule bundles</a></nav>"
        "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Đăng xuất / Sign "
        "out</button></form>";
  return fmt::format(
      "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<title>{0} · edugate Sở GD&amp;ĐT</title><style>{1}</style></head><body>"
      "<header><strong>edugate · Sở GD&amp;ĐT / Department</strong>{2}</header>"
      "<main>{3}</main></body></html>\n",
      html_escape(title), kStyle, nav, body);
}

std::string figure(std::uint64_t value, bool partial) {
  return fmt::format("{}{}", partial ? "≥ " : "", value);
}

/// A column per week: blocked requests, hatched when a school suppressed some of them.
std::string trend_chart(const std::vector<WeekPoint>& weeks) {
  constexpr int kHeight = 180, kTop = 10, kLeft = 60, kColumn = 14;
  const int width = kLeft + std::max<int>(1, static_cast<int>(weeks.size())) * kColumn + 20;
  std::uint64_t max = 1;
  for (const auto& w : weeks) max = std::max(max, w.blocked);
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"trend\" role=\"img\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" aria-label=\"Lượt chặn theo tuần / Blocked "
      "requests per week\"><title>Lượt chặn theo tuần / Blocked requests per week</title>"
      "<text x=\"{2}\" y=\"{3}\" text-anchor=\"end\">{4}</text>"
      "<text x=\"{2}\" y=\"{5}\" text-anchor=\"end\">0</text>",
      width, kHeight + 40, kLeft - 6, kTop + 10, max, kTop + kHeight);
  if (weeks.empty())
    svg += fmt::format("<text x=\"{}\" y=\"{}\">Không có dữ liệu / No data</text>", kLeft,
                       kTop + kHeight / 2);
  for (std::size_t i = 0; i < weeks.size(); ++i) {
    const auto& w = weeks[i];
    const int h =
        static_cast<int>(static_cast<double>(w.blocked) / static_cast<double>(max) * kHeight);
    const int x = kLeft + static_cast<int>(i) * kColumn;
    svg += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}: {}</title>"
        "</rect>",
        x, kTop + kHeight - std::max(h, 1), kColumn - 2, std::max(h, 1),
        w.blocked_partial ? "#e07b6f" : "#c0392b", html_escape(w.iso_week),
        figure(w.blocked, w.blocked_partial));
    if (i % 4 == 0)
      svg += fmt::format("<text x=\"{0}\" y=\"{1}\" transform=\"rotate(60 {0} {1})\">{2}</text>",
                         x + 2, kTop + kHeight + 8, html_escape(w.iso_week));
  }
  return svg + "</svg>";
}

std::string category_name(const Overview& o, const std::string& key) {
  const auto it = o.labels.find(key);
  if (it == o.labels.end() || (it->second.vi.empty() && it->second.en.empty())) return key;
  if (it->second.en.empty() || it->second.en == it->second.vi) return it->second.vi;
  return it->second.vi + " / " + it->second.en;
}

/// The most rows a breakdown shows; the rest are added up in one row.
constexpr std::size_t kMaxSlices = 40;

template <class Name>
std::string slice_section(std::string_view heading, std::vector<Slice> slices,
                          std::string_view key_heading, Name name) {
  if (slices.size() > kMaxSlices) {  // most blocked first: the rest is the tail
    Slice rest{fmt::format("{} khác / {} others", slices.size() - kMaxSlices + 1,
                           slices.size() - kMaxSlices + 1)};
    for (auto it = slices.begin() + kMaxSlices - 1; it != slices.end(); ++it) {
      rest.blocked += it->blocked;
      rest.warned += it->warned;
      rest.blocked_partial = rest.blocked_partial || it->blocked_partial;
      rest.warned_partial = rest.warned_partial || it->warned_partial;
    }
    slices.resize(kMaxSlices - 1);
    slices.push_back(std::move(rest));
  }
  std::vector<Bar> bars;
  for (const auto& s : slices) bars.push_back({name(s.key), s.blocked, s.blocked_partial});
  std::string out = fmt::format("<section><h2>{}</h2>", heading);
  out += svg_bar_chart(bars, std::string(heading));
  out += fmt::format(
      "<table><thead><tr><th>{}</th><th>Chặn / Blocked</th><th>Cảnh báo / Warned</th></tr>"
      "</thead><tbody>",
      key_heading);
  for (const auto& s : slices)
    out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                       html_escape(name(s.key)), figure(s.blocked, s.blocked_partial),
                       figure(s.warned, s.warned_partial));
  return out + "</tbody></table></section>";
}

/// The form that picks one week (completeness, bundles), with the weeks before and after.
std::string week_picker(std::string_view path, const std::string& week) {
  std::string out = fmt::format(
      "<form method=\"get\" action=\"{0}\"><label>Tuần / Week <input name=\"week\" "
      "value=\"{1}\" pattern=\"[0-9]{{4}}-W[0-9]{{2}}\" size=\"9\"></label> "
      "<button type=\"submit\">Xem / Show</button>",
      path, html_escape(week));
  if (const auto days = parse_iso_week(week))
    out += fmt::format(" <a href=\"{0}?week={1}\">← {1}</a> · <a href=\"{0}?week={2}\">{2} →</a>",
                       path, iso_week_of(days->from - 7), iso_week_of(days->to + 1));
  return out + "</form>";
}

}  // namespace

std::string dashboard_login_page(std::string_view message) {
  std::string body =
      "<h1>Đăng nhập / Sign in</h1>"
      "<p>Nhập mã truy cập của Sở (một mã trong <code>api_tokens</code>, tạo bằng "
      "<code>edugate report token</code>) / Enter one of the department's access tokens.</p>";
  if (!message.empty())
    body += fmt::format("<p role=\"alert\" class=\"note\"><strong>{}</strong></p>",
                        html_escape(message));
  body +=
      "<form method=\"post\" action=\"/login\"><label>Mã / Token <input type=\"password\" "
      "name=\"token\" autocomplete=\"current-password\" required size=\"48\"></label> "
      "<button type=\"submit\">Đăng nhập / Sign in</button></form>";
  return page("Đăng nhập / Sign in", body, false);
}

std::string dashboard_overview_page(const Overview& o) {
  std::uint64_t blocked = 0, warned = 0;
  bool blocked_partial = false, warned_partial = false;
  for (const auto& w : o.weeks) {
    blocked += w.blocked;
    warned += w.warned;
    blocked_partial = blocked_partial || w.blocked_partial;
    warned_partial = warned_partial || w.warned_partial;
  }
  const long long latest_schools = o.weeks.empty() ? 0 : o.weeks.back().schools;
  // The weeks listed: those with reports (the chart shows the gaps).
  std::vector<const WeekPoint*> reported;
  for (const auto& w : o.weeks)
    if (w.schools > 0) reported.push_back(&w);
  std::string body = fmt::format(
      "<h1>Toàn tỉnh / Province: {0} → {1}</h1>"
      "<form method=\"get\" action=\"/dashboard\"><label>Từ tuần / From <input name=\"from\" "
      "value=\"{0}\" size=\"9\"></label> <label>đến / to <input name=\"to\" value=\"{1}\" "
      "size=\"9\"></label> <button type=\"submit\">Xem / Show</button></form>"
      "<div class=\"figures\"><div>Trường đăng ký / Schools registered<b>{2}</b></div>"
      "<div>Trường gửi báo cáo tuần {3} / Schools reporting in {3}<b>{4}</b></div>"
      "<div>Lượt chặn / Blocked<b>{5}</b></div><div>Cảnh báo / Warned<b>{6}</b></div></div>"
      "<p class=\"note\">Số liệu là tổng các số các trường đã công bố; ô bị ẩn (dưới ngưỡng k) "
      "không được cộng, nên số có dấu ≥ là cận dưới / Sums of what schools published; cells a "
      "school suppressed add nothing, so a figure marked ≥ is a lower bound.</p>",
      html_escape(o.from), html_escape(o.to), o.schools_registered,
      html_escape(o.weeks.empty() ? o.to : o.weeks.back().iso_week), latest_schools,
      figure(blocked, blocked_partial), figure(warned, warned_partial));
  body += "<section><h2>Xu hướng theo tuần / Weekly trend</h2>" + trend_chart(o.weeks);
  body +=
      "<table><thead><tr><th>Tuần / Week</th><th>Trường / Schools</th><th>Chặn / Blocked</th>"
      "<th>Cảnh báo / Warned</th></tr></thead><tbody>";
  for (auto it = reported.rbegin(); it != reported.rend(); ++it)
    body += fmt::format(
        "<tr><td><a href=\"/dashboard/completeness?week={0}\">{0}</a></td><td class=\"n\">{1}"
        "</td><td class=\"n\">{2}</td><td class=\"n\">{3}</td></tr>",
        html_escape((*it)->iso_week), (*it)->schools,
        figure((*it)->blocked, (*it)->blocked_partial),
        figure((*it)->warned, (*it)->warned_partial));
  body += "</tbody></table></section>";
  body += slice_section("Theo danh mục / By category", o.by_category, "Danh mục / Category",
                        [&](const std::string& k) { return category_name(o, k); });
  body += slice_section("Theo cấp học / By school level", o.by_level, "Cấp học / Level",
                        [](const std::string& k) { return level_label(k); });
  body += slice_section("Theo quận/huyện / By district", o.by_district, "Quận/huyện / District",
                        [](const std::string& k) { return k; });
  return page("Tổng quan / Overview", body);
}

std::string dashboard_completeness_page(const DepartmentStore::Completeness& c,
                                        const std::vector<RevisedReport>& revised) {
  std::string body = fmt::format(
      "<h1>Báo cáo tuần {0} / Reports for {0}</h1>{1}"
      "<div class=\"figures\"><div>Cần nộp / Expected<b>{2}</b></div>"
      "<div>Đã nhận / Received<b>{3}</b></div><div>Chưa nộp / Missing<b>{4}</b></div>"
      "<div>Nộp muộn / Late<b>{5}</b></div></div>",
      html_escape(c.week), week_picker("/dashboard/completeness", c.week), c.expected, c.received,
      c.missing.size(), c.late.size());
  if (!revised.empty()) {
    body +=
        "<h2>Báo cáo gửi lại bản khác / Revised reports</h2><p class=\"note\">Mỗi bản đều được "
        "lưu; bản mới nhất được tính / Every revision is kept; the newest counts.</p><table>"
        "<thead><tr><th>Trường / School</th><th>Máy / Node</th><th>Số bản / Revisions</th></tr>"
        "</thead><tbody>";
    for (const auto& r : revised)
      body += fmt::format("<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                          html_escape(r.school_id), html_escape(r.node), r.revisions);
    body += "</tbody></table>";
  }
  body +=
      "<h2>Các trường / Schools</h2><table><thead><tr><th>Mã / Id</th><th>Tên / Name</th>"
      "<th>Quận/huyện / District</th><th>Trạng thái / Status</th><th>Nhận lúc / First "
      "received</th></tr></thead><tbody>";
  // Missing first, then late, then the rest: who to call comes first.
  std::vector<const DepartmentStore::Completeness::School*> order;
  for (const auto& s : c.schools) order.push_back(&s);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    const auto rank = [](const auto* s) { return !s->received ? 0 : s->late ? 1 : 2; };
    return rank(a) < rank(b);
  });
  for (const auto* s : order)
    body +=
        fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    !s->received ? "missing"
                    : s->late    ? "late"
                                 : "ok",
                    html_escape(s->id), html_escape(s->name), html_escape(s->district),
                    !s->received ? "Chưa nộp / Missing"
                    : s->late    ? "Nộp muộn / Late"
                                 : "Đã nhận / Received",
                    html_escape(s->first_at));
  body += "</tbody></table>";
  return page("Báo cáo đã nhận / Completeness", body);
}

std::string dashboard_bundles_page(const BundleStatus& s) {
  std::string body = fmt::format(
      "<h1>Bộ quy tắc của Sở, tuần {0} / Department rule bundles in {0}</h1>{1}"
      "<div class=\"figures\"><div>Bộ mới nhất / Newest verified<b>{2}</b></div>"
      "<div>Trường dùng bộ mới nhất / Schools on it<b>{3}</b></div>"
      "<div>Trường dùng bộ cũ / Schools behind<b>{4}</b></div>"
      "<div>Không rõ / Not stated<b>{5}</b></div></div>",
      html_escape(s.week), week_picker("/dashboard/bundles", s.week),
      s.newest ? fmt::format("v{}", s.newest) : std::string("—"), s.on_newest, s.behind.size(),
      s.unknown);
  body +=
      "<p class=\"note\">Bộ quy tắc mà máy của trường áp dụng vào ngày cuối tuần (máy chậm nhất "
      "của trường) / The bundle a school's appliances enforced on the week's last day (its "
      "slowest appliance).</p><table><thead><tr><th>Mã / Id</th><th>Tên / Name</th>"
      "<th>Quận/huyện / District</th><th>Bộ quy tắc / Bundle</th></tr></thead><tbody>";
  for (const auto& b : s.behind)
    body += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{}</td></tr>",
                        html_escape(b.id), html_escape(b.name), html_escape(b.district),
                        html_escape(b.bundle), b.verified ? "" : " (chưa xác minh / not verified)");
  body += "</tbody></table>";
  return page("Bộ quy tắc / Rule bundles", body);
}

std::string dashboard_reported_page(const ReportedSites& s) {
  std::string body = fmt::format(
      "<h1>Trang học sinh báo cáo, tuần {0} / Sites pupils reported in {0}</h1>{1}"
      "<p class=\"note\">Từ các báo cáo tuần của trường: tên miền ít nhất 2 thiết bị báo cáo hoặc "
      "trường đã xác nhận; không bao giờ biết ai gửi / From the schools' weekly reports: domains "
      "at least 2 devices reported or the school confirmed; never who.</p>",
      html_escape(s.week), week_picker("/dashboard/reported", s.week));
  const std::pair<std::string_view, std::string_view> kinds[] = {
      {"harmful", "Có hại / Reported as harmful"},
      {"wrongly-blocked", "Bị chặn nhầm / Said to be wrongly blocked"}};
  for (const auto& [kind, title] : kinds) {
    std::string rows;
    for (const auto& site : s.sites)
      if (site.kind == kind)
        rows += fmt::format(
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td></tr>",
            html_escape(site.domain), site.schools, site.devices, html_escape(site.districts));
    body += fmt::format("<h2>{}</h2>", title);
    body += rows.empty() ? std::string("<p>Không có / None.</p>")
                         : "<table><thead><tr><th>Tên miền / Domain</th><th>Trường / Schools</th>"
                           "<th>Thiết bị / Devices</th><th>Quận/huyện / Districts</th></tr>"
                           "</thead><tbody>" +
                               rows + "</tbody></table>";
  }
  if (s.more)
    body += fmt::format("<p class=\"note\">Chỉ hiện {} tên miền đầu / The first {} only.</p>",
                        ReportedSites::kMaxRows, ReportedSites::kMaxRows);
  return page("Trang học sinh báo cáo / Reported sites", body);
}

}  // namespace edugate::reporting::department
