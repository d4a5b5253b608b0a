#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "reporting/report.hpp"

namespace edugate::reporting {

/// Largest report file read for verify/merge (a school's year is a few MB).
inline constexpr std::size_t kMaxReportBytes = 64u << 20;
/// Appliances one school may run behind a load balancer, as far as a report names them.
inline constexpr std::size_t kMaxNodesPerSchool = 64;

/// The report as JSON (schema_version kReportSchemaVersion), without a "signature" member.
/// Keys are sorted (nlohmann::json objects are ordered maps), dates are "YYYY-MM-DD", suppressed
/// values carry "suppressed": true and no "requests". Pure.
nlohmann::json report_to_json(const Report& report);

/// A school's department bundles in force, as reports list them. Pure.
nlohmann::json bundles_to_json(const std::vector<BundleInForce>& bundles);

/// Reads a report back (the signature, if any, is ignored here). nullopt with `error` set when
/// the JSON does not follow the schema. Pure.
std::optional<Report> report_from_json(const nlohmann::json& json, std::string* error);

/// Parses JSON text of at most kMaxReportBytes; nullopt with `error` on a syntax error.
std::optional<nlohmann::json> parse_json_text(std::string_view text, std::string* error);

/// The bytes a signature covers: the document without its "signature" member, serialised
/// compactly with sorted keys and UTF-8 kept as is. Pure.
std::string canonical_bytes(const nlohmann::json& document);

}  // namespace edugate::reporting
