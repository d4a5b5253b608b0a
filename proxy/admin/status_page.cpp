#include "proxy/admin/status_page.hpp"

#include <fmt/format.h>

#include <map>

#include "reporting/calendar.hpp"
#include "reporting/report_builder.hpp"
#include "reporting/review_list.hpp"
#include "reporting/store.hpp"
#include "reporting/svg_bar_chart.hpp"

namespace edugate::proxy::server {

namespace rep = edugate::reporting;

namespace {

/// The status page lists at most this many reported domains (the CLI lists them all).
constexpr std::size_t kReviewRows = 200;

struct WeekCharts {
  std::vector<rep::Bar> per_day, per_category, per_group;
  std::uint64_t blocked = 0;
  std::string error;
  std::vector<rep::ReviewItem> review;
  std::string review_error;
};

void add(std::map<std::string, rep::Bar>& bars, const std::string& label,
         const rep::ReportEntry& e) {
  auto& bar = bars[label];
  bar.label = label;
  bar.value += e.requests;
  bar.partial = bar.partial || e.suppressed;
}

WeekCharts week_charts(const rep::ReportingSettings& settings, rep::DayRange week,
                       const StatusFacts& facts) {
  WeekCharts out;
  rep::StoreError error;
  auto store = rep::Store::open({settings.store, 0, true}, &error);
  rep::StoreExtract data;
  if (!store) {
    out.error = error.message;
    return out;
  }
  if (auto e = store->read(week.from, week.to, data)) {
    out.error = e->message;
    return out;
  }
  rep::ReportRequest request;
  request.period = week;
  request.k = settings.k;
  request.top_domains = settings.top_domains;
  request.school_id = settings.school_id;
  request.school_name = settings.school_name;
  const auto report = rep::build_report(data, request);
  rules::Diagnostics diags;
  const auto file = facts.review_file.empty() ? rules::ReviewFile{}
                                              : rules::read_review_file(facts.review_file, diags);
  if (!file && !diags.empty()) out.review_error = rules::format(diags.front());
  out.review = rep::review_list(data, week, facts.rules.get(), file.value_or(rules::ReviewFile{}),
                                false, kReviewRows);
  std::map<std::string, rep::Bar> days, categories, groups;
  for (auto d = week.from; d <= week.to; ++d) days[rep::format_date(d)].label = rep::format_date(d);
  for (const auto& e : report.entries) {
    if (e.action != "block") continue;
    if (e.category == "*" && e.group == "*") {
      add(days, rep::format_date(e.day), e);
      if (!e.suppressed) out.blocked += e.requests;
    }
    if (e.category != "*" && e.group == "*") {
      const auto it = report.categories.find(e.category);
      add(categories, it == report.categories.end() ? e.category : it->second.vi, e);
    }
    if (e.group != "*" && e.category == "*") {
      const auto it = report.groups.find(e.group);
      add(groups, it == report.groups.end() ? e.group : it->second.name, e);
    }
  }
  for (auto* m : {&days, &categories, &groups}) {
    auto& v = m == &days ? out.per_day : m == &categories ? out.per_category : out.per_group;
    for (auto& [k, bar] : *m) v.push_back(bar);
  }
  return out;
}

std::string review_section(const WeekCharts& charts) {
  const auto esc = [](std::string_view s) { return rep::html_escape(s); };
  std::string rows;
  for (const auto& item : charts.review) {
    const bool harmful = item.report.kind == rep::kHarmful;
    std::string decision = "mới · new";
    if (item.decision) {
      const auto& d = *item.decision;
      switch (d.kind) {
        case rules::ReviewDecision::Kind::block:
          decision = fmt::format("đã chặn · blocked ({})", esc(d.category));
          break;
        case rules::ReviewDecision::Kind::allow:
          decision = fmt::format("đã cho phép · allowed{}",
                                 d.group.empty() ? "" : " (" + esc(d.group) + ")");
          break;
        case rules::ReviewDecision::Kind::dismiss:
          decision = "đã bỏ qua, có báo cáo mới · dismissed, reported again";
          break;
      }
    }
    rows += fmt::format(
        R"(<tr class="{}"><td>{}</td><td>{}</td><td class="n">{}</td><td class="n">{}</td>)"
        R"(<td>{}{}</td><td>{}</td></tr>)",
        harmful ? "harmful" : "wrongly", esc(item.report.domain),
        harmful ? "có hại · harmful" : "bị chặn nhầm · wrongly blocked", item.report.devices,
        item.report.days, item.category_now.empty() ? "—" : esc(item.category_now),
        item.mandatory ? " <em>(bắt buộc · mandatory)</em>" : "", decision);
  }
  std::string out =
      R"(<section id="review"><h2>Trang học sinh báo cáo <span class="en">· Review list: )"
      R"(sites pupils reported this week</span></h2>)";
  if (!charts.review_error.empty())
    out += fmt::format(R"(<p class="warn">{}</p>)", esc(charts.review_error));
  if (rows.empty())
    return out + R"(<p>Chưa có báo cáo nào trong tuần. <span class="en">No reports this week.)"
                 R"(</span></p></section>)";
  return out +
         R"(<table><thead><tr><th>Tên miền · Domain</th><th>Loại · Kind</th>)"
         R"(<th>Thiết bị · Devices</th><th>Số ngày · Days</th>)"
         R"(<th>Danh mục hiện tại · In category now</th><th>Quyết định · Decision</th>)"
         R"(</tr></thead><tbody>)" +
         rows +
         R"(</tbody></table><p class="facts">Thiết bị: nhiều nhất trong một ngày; không bao giờ )"
         R"(biết ai gửi. · Devices: the most on any one day; never who. Quyết định · Decide: )"
         R"(<code>edugate review block DOMAIN --category C</code>, <code>edugate review allow )"
         R"(DOMAIN [--group G]</code>, <code>edugate review dismiss DOMAIN</code></p></section>)";
}

std::string uptime_text(std::chrono::seconds s) {
  const auto d = s.count() / 86400, h = s.count() / 3600 % 24, m = s.count() / 60 % 60;
  return fmt::format("{} ngày {} giờ {} phút · {}d {}h {}m", d, h, m, d, h, m);
}

}  // namespace

std::string render_status_page(const rep::ReportingSettings& settings, const StatusFacts& facts) {
  const auto iso_week = rep::iso_week_of(facts.today);
  const auto week = rep::parse_iso_week(iso_week).value_or(rep::DayRange{facts.today, facts.today});
  const auto charts = week_charts(settings, week, facts);
  const auto esc = [](std::string_view s) { return rep::html_escape(s); };
  std::string problems;
  if (!charts.error.empty())
    problems +=
        fmt::format("<p class=\"warn\">Không đọc được kho số liệu · Store unreadable: {}</p>",
                    esc(charts.error));
  if (!facts.department_problem.empty())
    problems += fmt::format(
        "<p class=\"warn\">Bộ quy tắc của Sở chưa được cập nhật · Department rules not updating: "
        "{}</p>",
        esc(facts.department_problem));
  if (!facts.store_error.empty())
    problems += fmt::format("<p class=\"warn\">Lỗi ghi số liệu · Store write error: {}</p>",
                            esc(facts.store_error));
  return fmt::format(
      R"(<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>edugate · {school}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;margin:2rem auto;max-width:60rem;color:#1d2733}}
h1{{margin-bottom:.2rem}} .facts{{color:#5b6775}} .warn{{background:#fdecea;padding:.6rem 1rem;border-radius:6px}}
section{{margin:1.5rem 0}} .en{{color:#5b6775;font-weight:normal}}
table{{border-collapse:collapse;width:100%}} th,td{{border:1px solid #d5dbe1;padding:.25rem .5rem;text-align:left}}
td.n{{text-align:right}} tr.harmful td:first-child{{border-left:4px solid #b3261e;font-weight:bold}}</style></head><body>
<h1>edugate — {school}</h1>
<p class="facts">Bộ quy tắc · Rule set: <code>{version}</code> · Quy tắc của Sở · Department rules: {department} · Hoạt động · Uptime: {uptime} · Tuần · Week: {week}</p>
{problems}
{review}
<p><strong>{blocked}</strong> lượt truy cập bị chặn trong tuần <span class="en">· requests blocked this week</span>
(ô có ít hơn {k} thiết bị được ẩn <span class="en">· cells with fewer than {k} devices are hidden</span>)</p>
<section><h2>Theo ngày <span class="en">· Per day</span></h2>{days}</section>
<section><h2>Theo nhóm nội dung <span class="en">· Per category</span></h2>{categories}</section>
<section><h2>Theo nhóm học sinh <span class="en">· Per group</span></h2>{groups}</section>
</body></html>
)",
      fmt::arg("school",
               esc(settings.school_name.empty() ? settings.school_id : settings.school_name)),
      fmt::arg("version", esc(facts.rules_version.empty() ? "-" : facts.rules_version)),
      fmt::arg("department", esc(facts.department.empty() ? "-" : facts.department)),
      fmt::arg("uptime", uptime_text(facts.uptime)), fmt::arg("week", iso_week),
      fmt::arg("problems", problems), fmt::arg("review", review_section(charts)),
      fmt::arg("blocked", charts.blocked), fmt::arg("k", settings.k),
      fmt::arg("days", rep::svg_bar_chart(charts.per_day, "Blocked requests per day")),
      fmt::arg("categories",
               rep::svg_bar_chart(charts.per_category, "Blocked requests per category")),
      fmt::arg("groups", rep::svg_bar_chart(charts.per_group, "Blocked requests per group")));
}

}  // namespace edugate::proxy::server
