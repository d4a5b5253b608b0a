#include "reporting/department/ingest.hpp"

#include <fmt/format.h>

#include <set>
#include <tuple>

#include "reporting/calendar.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/school_id.hpp"
#include "reporting/signing.hpp"
#include "rules/diagnostic.hpp"
#include "rules/signing/sha256.hpp"

namespace edugate::reporting::department {

namespace {

using nlohmann::json;

/// More requests than any school's devices make in a day, in one cell.
constexpr std::uint64_t kMaxCellRequests = 10'000'000'000;
/// More distinct actions, categories or groups than a rule set has (UT1 has about 90).
constexpr std::size_t kMaxKeys = 512;

IngestCheck refuse(IngestRefusal why, std::string reason, std::string school = {}) {
  IngestCheck c;
  c.refusal = why;
  c.reason = std::move(reason);
  c.school_id = std::move(school);
  return c;
}

/// The school the document claims, read before anything trusts the document: schools[0].id.
std::optional<std::string> claimed_school(const json& document) {
  if (!document.is_object()) return std::nullopt;
  const auto schools = document.find("schools");
  if (schools == document.end() || !schools->is_array() || schools->size() != 1)
    return std::nullopt;
  const auto& school = (*schools)[0];
  if (!school.is_object()) return std::nullopt;
  const auto id = school.find("id");
  if (id == school.end() || !id->is_string()) return std::nullopt;
  return id->get<std::string>();
}

}  // namespace

unsigned IngestCheck::http_status() const noexcept {
  switch (refusal) {
    case IngestRefusal::none:
      return 0;
    case IngestRefusal::malformed:
      return 400;
    case IngestRefusal::unknown_school:
    case IngestRefusal::bad_signature:
      return 401;
  }
  return 400;
}

namespace {

/// Keys of actions, categories and groups as the appliance writes them (or "*", a total):
/// nothing a database row, a CSV cell or a log line could read as anything else.
bool valid_key(std::string_view key) noexcept {
  if (key == "*") return true;
  if (key.empty() || key.size() > 64) return false;
  for (const char c : key)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_' || c == '.'))
      return false;
  return true;
}

IngestCheck check_document(std::string_view body, const KeyLookup& keys);

}  // namespace

IngestCheck check_report(std::string_view body, const KeyLookup& keys) {
  try {
    return check_document(body, keys);
  } catch (const nlohmann::json::exception&) {
    // A member of an unexpected type somewhere the schema reader did not expect one.
    return refuse(IngestRefusal::malformed, "a member of the report has the wrong type");
  }
}

namespace {

IngestCheck check_document(std::string_view body, const KeyLookup& keys) {
  if (body.size() > kMaxReportBytes)
    return refuse(IngestRefusal::malformed, "the report is larger than the largest one read");
  std::string error;
  const auto document = parse_json_text(body, &error);
  if (!document) return refuse(IngestRefusal::malformed, "not JSON: " + error);
  if (!document->is_object() || !document->contains("schema_version"))
    return refuse(IngestRefusal::malformed, "not an edugate report: no schema_version");
  const auto kind = document->find("kind");
  if (kind == document->end() || *kind != "school")
    return refuse(IngestRefusal::malformed,
                  "only a school's own report is accepted here, not a merged one");
  const auto claimed = claimed_school(*document);
  if (!claimed) return refuse(IngestRefusal::malformed, "the report must name exactly one school");
  if (!valid_school_id(*claimed))
    return refuse(IngestRefusal::malformed,
                  fmt::format("school id {} is not valid", rules::quote_token(*claimed)));
  EVP_PKEY* key = keys(*claimed);
  if (!key)
    return refuse(IngestRefusal::unknown_school,
                  fmt::format("school {} is not in the department's registry", *claimed), *claimed);
  // The registry's key, never the one the document carries: a school's key speaks for it alone.
  const auto verified = verify_report(*document, key);
  if (!verified.ok())
    return refuse(IngestRefusal::bad_signature,
                  fmt::format("school {}: {}", *claimed, verified.message), *claimed);

  auto report = report_from_json(*document, &error);
  if (!report) return refuse(IngestRefusal::malformed, error, *claimed);
  if (report->iso_week.empty())
    return refuse(IngestRefusal::malformed,
                  "the report is not for one ISO week (period.iso_week is missing)", *claimed);
  // The period is exactly the week it names, every day counted lies in it, and the year is one
  // a school could have reported: a document cannot reach outside its own (school, node, week).
  const auto week = parse_iso_week(report->iso_week);
  const auto year = week ? format_date(week->from).substr(0, 4) : std::string();
  if (!week || iso_week_of(week->from) != report->iso_week || !(report->period == *week) ||
      year < "2000" || year > "2999")
    return refuse(IngestRefusal::malformed,
                  "period must be exactly the ISO week that period.iso_week names", *claimed);
  // What one school's report can weigh in the province's tables is bounded: each cell once, a
  // count no school reaches, and no more distinct keys than a rule set has, so that no report
  // can overflow a province's sums or swell its pages.
  std::set<std::tuple<LocalDay, std::string_view, std::string_view, std::string_view>> cells;
  std::set<std::string_view> actions, categories, groups;
  for (const auto& e : report->entries) {
    if (e.day < week->from || e.day > week->to)
      return refuse(IngestRefusal::malformed, "a cell's day lies outside the report's week",
                    *claimed);
    if (!valid_key(e.action) || !valid_key(e.category) || !valid_key(e.group))
      return refuse(IngestRefusal::malformed,
                    "a cell's action, category or group is not a key (letters, digits, - _ .)",
                    *claimed);
    if (!cells.emplace(e.day, e.action, e.category, e.group).second)
      return refuse(IngestRefusal::malformed, "a cell appears twice", *claimed);
    if (e.requests > kMaxCellRequests)
      return refuse(IngestRefusal::malformed,
                    fmt::format("a cell counts more than {} requests", kMaxCellRequests), *claimed);
    actions.insert(e.action);
    categories.insert(e.category);
    groups.insert(e.group);
  }
  if (actions.size() > kMaxKeys || categories.size() > kMaxKeys || groups.size() > kMaxKeys ||
      report->categories.size() > kMaxKeys || report->groups.size() > kMaxKeys)
    return refuse(IngestRefusal::malformed,
                  fmt::format("more than {} distinct actions, categories or groups", kMaxKeys),
                  *claimed);
  for (const auto& b : report->schools.front().department_bundles)
    if (b.first_day < week->from || b.last_day > week->to)
      return refuse(IngestRefusal::malformed,
                    "a department bundle's days lie outside the report's week", *claimed);
  const int schema = (*document)["schema_version"].get<int>();
  if (schema >= 2 && (report->schools.front().nodes.size() != 1 ||
                      !valid_key(report->schools.front().nodes.front())))
    return refuse(IngestRefusal::malformed,
                  "a schema 2 report names exactly one node (its appliance)", *claimed);

  IngestCheck c;
  c.school_id = *claimed;
  IngestedReport& out = c.report.emplace();
  out.school_id = *claimed;
  const auto& school = report->schools.front();
  out.node = school.nodes.size() == 1 ? school.nodes.front() : std::string();
  if (school.nodes.size() > 1)
    return refuse(IngestRefusal::malformed, "a school's own report names one node at most",
                  *claimed);
  out.iso_week = report->iso_week;
  out.period_from = format_date(report->period.from);
  out.period_to = format_date(report->period.to);
  out.sha256 = rules::signing::sha256_hex(body);
  // What the signature covers, and the signature: the same report re-serialised (spaces, key
  // order, escapes) has other bytes but this same key, so it stays a repeat.
  out.content_sha256 = rules::signing::sha256_hex(
      canonical_bytes(*document) + '\n' + (*document)["signature"]["value"].get<std::string>());
  out.schema_version = schema;
  out.generator = report->generator;
  out.bundles_json = bundles_to_json(school.department_bundles).dump();
  out.verified_with = public_key_base64(key);
  auto summary = *document;
  summary["cells"] = nlohmann::json::array();
  out.summary_json = summary.dump();
  out.cells.reserve(report->entries.size());
  for (const auto& e : report->entries) {
    IngestedCell cell{format_date(e.day), e.action, e.category, e.group, {}, {}};
    if (e.group == "*") {
      cell.age = "*";
    } else if (const auto g = report->groups.find(e.group); g != report->groups.end()) {
      cell.age = g->second.age;
    }
    if (!e.suppressed) cell.requests = e.requests;
    out.cells.push_back(std::move(cell));
  }
  constexpr std::size_t kMaxLabel = 200;
  for (const auto& [key, label] : report->categories)
    if (valid_key(key) && label.vi.size() <= kMaxLabel && label.en.size() <= kMaxLabel)
      out.categories.push_back({key, label.vi, label.en});
  return c;
}

}  // namespace

}  // namespace edugate::reporting::department
