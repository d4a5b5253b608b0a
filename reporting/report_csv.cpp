#include "reporting/report_csv.hpp"

#include <fmt/format.h>

#include <initializer_list>

#include "reporting/calendar.hpp"
#include "reporting/report_text.hpp"

namespace edugate::reporting {

namespace {

void row(std::string& out, std::initializer_list<std::string> fields) {
  bool first = true;
  for (const auto& f : fields) {
    if (!first) out += ',';
    out += csv_field(f);
    first = false;
  }
  out += "\r\n";
}

std::string versions_text(const Report& r) {
  std::string out;
  for (const auto& v : r.rule_set_versions) {
    if (!out.empty()) out += "; ";
    out += v;
  }
  return out;
}

template <class E>
std::string value_text(const E& e, bool merged) {
  return e.suppressed && !merged ? std::string() : std::to_string(e.requests);
}

void metadata(std::string& out, const Report& r) {
  row(out, {"Trường / School", schools_text(r)});
  row(out, {"Loại / Kind", r.kind});
  row(out, {"Từ ngày / From", format_date(r.period.from)});
  row(out, {"Đến ngày / To", format_date(r.period.to)});
  if (!r.iso_week.empty()) row(out, {"Tuần ISO / ISO week", r.iso_week});
  row(out, {"Phiên bản bộ quy tắc / Rule-set versions", versions_text(r)});
  row(out, {"Bộ quy tắc của Sở / Department bundles", bundles_text(r)});
  row(out, {"k (số thiết bị tối thiểu / minimum distinct devices)", std::to_string(r.privacy.k)});
  row(out, {"Nhiễu / Noise", noise_text(r.privacy)});
  for (const auto& n : r.notes) row(out, {"Ghi chú / Note", n});
}

}  // namespace

std::string csv_field(std::string_view text) {
  std::string s;
  s.reserve(text.size() + 3);
  const bool formula = !text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' ||
                                         text[0] == '@' || text[0] == '\t' || text[0] == '\r');
  const bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) s.push_back('"');
  if (formula) s.push_back('\'');
  for (const char c : text) {
    if (c == '"') s.push_back('"');
    s.push_back(c);
  }
  if (quote) s.push_back('"');
  return s;
}

std::string render_csv(const Report& r) {
  const bool merged = r.kind == "merged";
  std::string out = "\xEF\xBB\xBF";
  metadata(out, r);
  out += "\r\n";
  row(out, {"day", "action", "action_vi", "action_en", "category", "category_vi", "category_en",
            "group", "group_name", "requests", "suppressed", "suppressed_schools"});
  for (const auto& e : r.entries)
    row(out,
        {format_date(e.day), e.action, action_vi(e.action), action_en(e.action), e.category,
         category_vi(r, e.category), category_en(r, e.category), e.group, group_name(r, e.group),
         value_text(e, merged), e.suppressed ? "1" : "0", std::to_string(e.suppressed_schools)});
  out += "\r\n";
  row(out, {"domain", "category", "category_vi", "category_en", "action", "requests", "suppressed",
            "suppressed_schools"});
  for (const auto& d : r.top_domains)
    row(out,
        {d.domain, d.category, category_vi(r, d.category), category_en(r, d.category), d.action,
         value_text(d, merged), d.suppressed ? "1" : "0", std::to_string(d.suppressed_schools)});
  out += "\r\n";
  row(out, {"reported_domain", "kind", "kind_vi", "kind_en", "devices", "schools"});
  for (const auto& s : r.site_reports) {
    const bool harmful = s.kind == "harmful";
    row(out, {s.domain, s.kind, harmful ? "Có hại" : "Bị chặn nhầm",
              harmful ? "Harmful" : "Wrongly blocked", std::to_string(s.devices),
              std::to_string(s.schools)});
  }
  return out;
}

}  // namespace edugate::reporting
