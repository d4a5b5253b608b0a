#include <fmt/format.h>

#include <cstdint>
#include <limits>

#include "reporting/calendar.hpp"
#include "reporting/report_json.hpp"

namespace edugate::reporting {

namespace {

using nlohmann::json;

/// Thrown inside this file only, turned into an error string at the boundary.
struct SchemaError {
  std::string message;
};

/// A whole number in [0, max]. nlohmann's get<int>() casts a double such as 1.2e31 to int, which
/// is undefined behaviour, and turns -1 into a huge unsigned: a report file is untrusted input.
template <class Int>
Int count_at(const json& j, const char* key, Int fallback, bool required) {
  if (!j.contains(key)) {
    if (required) throw SchemaError{fmt::format("'{}' is missing", key)};
    return fallback;
  }
  const auto& v = j.at(key);
  // Parsed text stores 10 as unsigned, a report built in memory as signed: accept both.
  const bool whole =
      v.is_number_unsigned() || (v.is_number_integer() && v.get<std::int64_t>() >= 0);
  if (!whole || v.get<std::uint64_t>() > std::numeric_limits<Int>::max())
    throw SchemaError{fmt::format("'{}' must be a whole number from 0 to {}, not {}", key,
                                  std::numeric_limits<Int>::max(), v.dump())};
  return static_cast<Int>(v.get<std::uint64_t>());
}

LocalDay date_at(const json& j, const char* key) {
  const auto d = parse_date(j.at(key).get<std::string>());
  if (!d) throw SchemaError{fmt::format("'{}' is not a YYYY-MM-DD date", key)};
  return *d;
}

PrivacyInfo read_privacy(const json& j) {
  PrivacyInfo p;
  p.k = count_at<int>(j, "k", 0, true);
  const auto& noise = j.at("noise");
  p.noise = noise.at("mechanism").get<std::string>() == "laplace";
  if (p.noise) {
    p.epsilon_per_week = noise.at("epsilon_per_week").get<double>();
    p.sensitivity = noise.at("sensitivity").get<double>();
    p.scale = noise.at("scale").get<double>();
  }
  return p;
}

template <class E>
void read_value(const json& j, E& e) {
  e.suppressed = j.value("suppressed", false);
  e.requests = count_at<std::uint64_t>(j, "requests", 0, false);
  e.suppressed_schools = count_at<std::uint32_t>(j, "suppressed_schools", 0, false);
  if (!e.suppressed && !j.contains("requests")) throw SchemaError{"a cell has no requests"};
}

void read_body(const json& j, Report& r) {
  for (const auto& c : j.at("cells")) {
    ReportEntry e;
    e.day = date_at(c, "day");
    e.action = c.at("action").get<std::string>();
    e.category = c.at("category").get<std::string>();
    e.group = c.at("group").get<std::string>();
    read_value(c, e);
    r.entries.push_back(std::move(e));
  }
  for (const auto& c : j.at("top_domains")) {
    DomainEntry d;
    d.domain = c.at("domain").get<std::string>();
    d.category = c.at("category").get<std::string>();
    d.action = c.at("action").get<std::string>();
    read_value(c, d);
    r.top_domains.push_back(std::move(d));
  }
  const auto& labels = j.at("labels");
  for (const auto& [key, v] : labels.at("categories").items())
    r.categories[key] = {key, v.at("vi").get<std::string>(), v.at("en").get<std::string>()};
  for (const auto& [key, v] : labels.at("groups").items())
    r.groups[key] = {key, v.get<std::string>()};
}

Report read_report(const json& j) {
  const auto& version = j.at("schema_version");
  if (!version.is_number_integer() || version != kReportSchemaVersion)
    throw SchemaError{fmt::format("schema_version {} is not supported (this edugate reads {})",
                                  j.at("schema_version").dump(), kReportSchemaVersion)};
  Report r;
  r.kind = j.at("kind").get<std::string>();
  if (r.kind != "school" && r.kind != "merged") throw SchemaError{"kind must be school or merged"};
  r.generator = j.value("generator", "");
  const auto& period = j.at("period");
  r.period = {date_at(period, "from"), date_at(period, "to")};
  if (r.period.to < r.period.from) throw SchemaError{"period ends before it starts"};
  r.iso_week = period.value("iso_week", "");
  for (const auto& s : j.at("schools"))
    r.schools.push_back({s.at("id").get<std::string>(), s.at("name").get<std::string>(),
                         s.value("public_key", ""), read_privacy(s.at("privacy"))});
  r.rule_set_versions = j.at("rule_set_versions").get<std::vector<std::string>>();
  r.privacy = read_privacy(j.at("privacy"));
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
