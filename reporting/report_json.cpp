#include "reporting/report_json.hpp"

#include <fmt/format.h>

#include "reporting/calendar.hpp"
#include "reporting/tallied.hpp"

namespace edugate::reporting {

namespace {

using nlohmann::json;

json privacy_json(const PrivacyInfo& p) {
  json noise = p.noise ? json{{"mechanism", "laplace"},
                              {"epsilon_per_week", p.epsilon_per_week},
                              {"sensitivity", p.sensitivity},
                              {"scale", p.scale}}
                       : json{{"mechanism", "none"}};
  return {{"k", p.k},
          {"unit", "distinct devices per day"},
          {"complementary_suppression", true},
          {"noise", std::move(noise)}};
}

json labels_json(const Report& r) {
  json categories = json::object(), groups = json::object(), actions = json::object();
  for (const auto& [key, c] : r.categories) categories[key] = {{"vi", c.vi}, {"en", c.en}};
  for (const auto& [key, g] : r.groups) groups[key] = {{"name", g.name}, {"age", g.age}};
  for (int i = 0; i < kTalliedCount; ++i) {
    const auto t = static_cast<Tallied>(i);
    actions[std::string(to_string(t))] = {{"vi", label_vi(t)}, {"en", label_en(t)}};
  }
  return {{"categories", categories}, {"groups", groups}, {"actions", actions}};
}

template <class E>
void put_value(json& j, const E& e, bool merged) {
  if (e.suppressed)
    j["suppressed"] = true;
  else
    j["requests"] = e.requests;
  if (merged) {
    j["requests"] = e.requests;  // the sum of what the schools published
    j["suppressed_schools"] = e.suppressed_schools;
  }
}

}  // namespace

json bundles_to_json(const std::vector<BundleInForce>& bundles) {
  json out = json::array();
  for (const auto& b : bundles)
    out.push_back({{"version", b.bundle.version},
                   {"source", b.bundle.source},
                   {"verified", b.bundle.verified},
                   {"from", format_date(b.first_day)},
                   {"to", format_date(b.last_day)}});
  return out;
}

json report_to_json(const Report& r) {
  const bool merged = r.kind == "merged";
  json period{{"from", format_date(r.period.from)}, {"to", format_date(r.period.to)}};
  if (!r.iso_week.empty()) period["iso_week"] = r.iso_week;
  json schools = json::array();
  for (const auto& s : r.schools) {
    schools.push_back({{"id", s.id},
                       {"name", s.name},
                       {"nodes", s.nodes},
                       {"public_key", s.public_key},
                       {"privacy", privacy_json(s.privacy)},
                       {"department_bundles", bundles_to_json(s.department_bundles)}});
  }
  json cells = json::array();
  for (const auto& e : r.entries) {
    json c{{"day", format_date(e.day)},
           {"action", e.action},
           {"category", e.category},
           {"group", e.group}};
    put_value(c, e, merged);
    cells.push_back(std::move(c));
  }
  json domains = json::array();
  for (const auto& d : r.top_domains) {
    json c{{"domain", d.domain}, {"category", d.category}, {"action", d.action}};
    put_value(c, d, merged);
    domains.push_back(std::move(c));
  }
  json reported = json::array();
  for (const auto& s : r.site_reports) {
    json c{{"domain", s.domain}, {"kind", s.kind}, {"devices", s.devices}};
    if (merged) c["schools"] = s.schools;
    reported.push_back(std::move(c));
  }
  return {{"schema_version", kReportSchemaVersion},
          {"kind", r.kind},
          {"generator", r.generator},
          {"period", period},
          {"schools", schools},
          {"rule_set_versions", r.rule_set_versions},
          {"privacy", privacy_json(r.privacy)},
          {"labels", labels_json(r)},
          {"cells", cells},
          {"top_domains", domains},
          {"site_reports", reported},
          {"notes", r.notes}};
}

std::optional<json> parse_json_text(std::string_view text, std::string* error) {
  if (text.size() > kMaxReportBytes) {
    if (error) *error = fmt::format("larger than {} bytes", kMaxReportBytes);
    return std::nullopt;
  }
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded()) {
    if (error) *error = "not valid JSON";
    return std::nullopt;
  }
  return j;
}

std::string canonical_bytes(const json& document) {
  constexpr auto kStrict = json::error_handler_t::strict;
  if (!document.is_object()) return document.dump(-1, ' ', false, kStrict);
  // Same bytes as dumping a copy without "signature", without copying a large document.
  std::string out = "{";
  for (auto it = document.begin(); it != document.end(); ++it) {
    if (it.key() == "signature") continue;
    if (out.size() > 1) out += ',';
    out += json(it.key()).dump(-1, ' ', false, kStrict);
    out += ':';
    out += it.value().dump(-1, ' ', false, kStrict);
  }
  return out + "}";
}

}  // namespace edugate::reporting
