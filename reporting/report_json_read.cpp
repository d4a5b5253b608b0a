#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "reporting/calendar.hpp"
#include "reporting/distinct_counter.hpp"
#include "reporting/report_json.hpp"
#include "reporting/school_id.hpp"
#include "rules/policy_types.hpp"

namespace edugate::reporting {

namespace {

using nlohmann::json;

/// Thrown inside this file only, turned into an error string at the boundary.
struct SchemaError {
  std::string message;
};

/// Counts are added up across a week and across schools: keeping each below 2^53 keeps every sum
/// exact, here and in any JSON reader (JavaScript numbers are doubles).
constexpr std::uint64_t kMaxCount = (std::uint64_t{1} << 53) - 1;

/// An integer in [min, max]. nlohmann's get<int>() casts a double such as 1.2e31 to int, which
/// is undefined behaviour, and turns -1 into a huge unsigned: a report file is untrusted input.
std::uint64_t integer_at(const json& j, const char* key, std::uint64_t min, std::uint64_t max,
                         std::optional<std::uint64_t> fallback) {
  if (!j.contains(key)) {
    if (!fallback) throw SchemaError{fmt::format("'{}' is missing", key)};
    return *fallback;
  }
  const auto& v = j.at(key);
  // Parsed text stores 10 as unsigned, a report built in memory as signed: accept both.
  const bool integer =
      v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!integer || v.get<std::uint64_t>() < min || v.get<std::uint64_t>() > max)
    throw SchemaError{
        fmt::format("'{}' must be an integer from {} to {}, not {}", key, min, max, v.dump())};
  return v.get<std::uint64_t>();
}

/// Runs `read` and names the place in any schema error it throws ("cells[3]: ..."); the name is
/// only formatted then (a merge reads millions of cells).
template <class F>
void within(const char* array, std::size_t index, F&& read) {
  try {
    read();
  } catch (const SchemaError& e) {
    throw SchemaError{fmt::format("{}[{}]: {}", array, index, e.message)};
  }
}

LocalDay date_at(const json& j, const char* key) {
  const auto d = parse_date(j.at(key).get<std::string>());
  if (!d) throw SchemaError{fmt::format("'{}' is not a YYYY-MM-DD date", key)};
  return *d;
}

PrivacyInfo read_privacy(const json& j) {
  PrivacyInfo p;
  // The same range the appliance accepts for its own reporting.k.
  p.k = static_cast<int>(integer_at(j, "k", 2, DistinctCounter::kExactLimit, std::nullopt));
  const auto& noise = j.at("noise");
  p.noise = noise.at("mechanism").get<std::string>() == "laplace";
  if (p.noise) {
    p.epsilon_per_week = noise.at("epsilon_per_week").get<double>();
    p.sensitivity = noise.at("sensitivity").get<double>();
    p.scale = noise.at("scale").get<double>();
  }
  return p;
}

/// A school's department_bundles (absent in reports from before rules.update: none).
std::vector<BundleInForce> read_bundles(const json& school, LocalDay r_from, LocalDay r_to) {
  std::vector<BundleInForce> out;
  const auto it = school.find("department_bundles");
  if (it == school.end()) return out;
  if (!it->is_array() || it->size() > 400) throw SchemaError{"department_bundles: at most 400"};
  for (const auto& b : *it) {
    BundleInForce x;
    x.bundle.version = b.at("version").get<std::string>();
    x.bundle.source = b.at("source").get<std::string>();
    x.bundle.verified = b.at("verified").get<bool>();
    const auto& v = x.bundle.version;
    if (v != "-" &&
        (v.empty() || v.size() > 15 || v.find_first_not_of("0123456789") != std::string::npos))
      throw SchemaError{"department_bundles: a version is a number (or '-')"};
    if (x.bundle.source != "update" && x.bundle.source != "signed" && x.bundle.source != "local")
      throw SchemaError{"department_bundles: source is update, signed or local"};
    x.first_day = date_at(b, "from");
    x.last_day = date_at(b, "to");
    if (x.last_day < x.first_day || x.first_day < r_from || x.last_day > r_to)
      throw SchemaError{"department_bundles: a span outside the report's period"};
    out.push_back(std::move(x));
  }
  return out;
}

template <class E>
void read_value(const json& j, E& e) {
  e.suppressed = j.value("suppressed", false);
  e.requests = integer_at(j, "requests", 0, kMaxCount, 0);
  e.suppressed_schools = static_cast<std::uint32_t>(
      integer_at(j, "suppressed_schools", 0, std::numeric_limits<std::uint32_t>::max(), 0));
  if (!e.suppressed && !j.contains("requests")) throw SchemaError{"a cell has no requests"};
}

void read_body(const json& j, Report& r) {
  std::size_t i = 0;
  for (const auto& c : j.at("cells")) {
    ReportEntry e;
    within("cells", i++, [&] {
      e.day = date_at(c, "day");
      e.action = c.at("action").get<std::string>();
      e.category = c.at("category").get<std::string>();
      e.group = c.at("group").get<std::string>();
      read_value(c, e);
    });
    r.entries.push_back(std::move(e));
  }
  i = 0;
  for (const auto& c : j.at("top_domains")) {
    DomainEntry d;
    within("top_domains", i++, [&] {
      d.domain = c.at("domain").get<std::string>();
      d.category = c.at("category").get<std::string>();
      d.action = c.at("action").get<std::string>();
      read_value(c, d);
    });
    r.top_domains.push_back(std::move(d));
  }
  // Reports from before site reports have none.
  if (const auto it = j.find("site_reports"); it != j.end()) {
    if (!it->is_array() || it->size() > kMaxSiteReports)
      throw SchemaError{fmt::format("site_reports: at most {}", kMaxSiteReports)};
    i = 0;
    for (const auto& c : *it) {
      SiteReportEntry s;
      within("site_reports", i++, [&] {
        s.domain = c.at("domain").get<std::string>();
        s.kind = c.at("kind").get<std::string>();
        s.devices = integer_at(c, "devices", 0, 1'000'000, std::nullopt);
        s.schools = static_cast<std::uint32_t>(
            integer_at(c, "schools", 1, std::numeric_limits<std::uint32_t>::max(), 1));
      });
      if (s.domain.empty() || s.domain.size() > 253)
        throw SchemaError{"site_reports: a domain is empty or longer than 253 bytes"};
      if (s.kind != "harmful" && s.kind != "wrongly-blocked")
        throw SchemaError{"site_reports: kind is not harmful or wrongly-blocked"};
      for (const auto& other : r.site_reports)
        if (other.domain == s.domain && other.kind == s.kind)
          throw SchemaError{"site_reports: a domain is listed twice with the same kind"};
      r.site_reports.push_back(std::move(s));
    }
  }
  const auto& labels = j.at("labels");
  for (const auto& [key, v] : labels.at("categories").items())
    r.categories[key] = {key, v.at("vi").get<std::string>(), v.at("en").get<std::string>()};
  for (const auto& [key, v] : labels.at("groups").items()) {
    if (v.is_string()) {  // schema 1: the name only
      r.groups[key] = {key, v.get<std::string>(), ""};
      continue;
    }
    auto age = v.at("age").get<std::string>();
    if (!age.empty() && !rules::parse_age_band(age))
      throw SchemaError{
          fmt::format("group {}: age must be mam-non, tieu-hoc, thcs, thpt or staff", key)};
    r.groups[key] = {key, v.at("name").get<std::string>(), std::move(age)};
  }
}

Report read_report(const json& j) {
  const auto& version = j.at("schema_version");
  if (!version.is_number_integer() || version < 1 || version > kReportSchemaVersion)
    throw SchemaError{fmt::format("schema_version {} is not supported (this edugate reads {})",
                                  version.dump(), kReportSchemaVersion)};
  Report r;
  r.kind = j.at("kind").get<std::string>();
  if (r.kind != "school" && r.kind != "merged") throw SchemaError{"kind must be school or merged"};
  r.generator = j.value("generator", "");
  const auto& period = j.at("period");
  r.period = {date_at(period, "from"), date_at(period, "to")};
  if (r.period.to < r.period.from) throw SchemaError{"period ends before it starts"};
  r.iso_week = period.value("iso_week", "");
  std::size_t i = 0;
  for (const auto& s : j.at("schools"))
    within("schools", i++, [&] {
      auto nodes = s.value("nodes", std::vector<std::string>{});
      if (nodes.size() > kMaxNodesPerSchool) throw SchemaError{"too many nodes"};
      for (const auto& node : nodes)
        if (!valid_school_id(node))
          throw SchemaError{"a node id is 1-64 letters, digits, '.', '_' or '-'"};
      r.schools.push_back({s.at("id").get<std::string>(), s.at("name").get<std::string>(),
                           s.value("public_key", ""), read_privacy(s.at("privacy")),
                           std::move(nodes), read_bundles(s, r.period.from, r.period.to)});
    });
  r.rule_set_versions = j.at("rule_set_versions").get<std::vector<std::string>>();
  r.privacy = read_privacy(j.at("privacy"));  // an error without a place is about the top level
  r.notes = j.value("notes", std::vector<std::string>{});
  read_body(j, r);
  return r;
}

}  // namespace

std::optional<Report> report_from_json(const json& j, std::string* error) {
  try {
    return read_report(j);
  } catch (const SchemaError& e) {
    if (error) *error = e.message;
  } catch (const json::exception& e) {
    if (error) *error = fmt::format("does not follow the report schema: {}", e.what());
  }
  return std::nullopt;
}

}  // namespace edugate::reporting
