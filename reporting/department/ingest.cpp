#include "reporting/department/ingest.hpp"

#include <fmt/format.h>

#include "reporting/calendar.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/school_id.hpp"
#include "rules/diagnostic.hpp"
#include "rules/signing/sha256.hpp"

namespace edugate::reporting::department {

namespace {

using nlohmann::json;

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

IngestCheck check_report(std::string_view body, const KeyLookup& keys) {
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
  out.schema_version = (*document)["schema_version"].get<int>();
  out.generator = report->generator;
  out.bundles_json = bundles_to_json(school.department_bundles).dump();
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
  return c;
}

}  // namespace edugate::reporting::department
