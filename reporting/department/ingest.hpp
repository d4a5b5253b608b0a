#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/labels.hpp"
#include "reporting/openssl_handles.hpp"

namespace edugate::reporting::department {

/// One published cell of a school's weekly report, as the department stores it.
struct IngestedCell {
  std::string day;  ///< YYYY-MM-DD
  std::string action, category, group;
  std::string age;                        ///< the group's age band ("" in schema 1, or "*")
  std::optional<std::uint64_t> requests;  ///< nullopt when the school suppressed the cell
};

/// A school's signed weekly report, verified and taken apart for the database.
struct IngestedReport {
  std::string school_id;
  std::string node;      ///< the appliance that counted it ("" in reports from before nodes)
  std::string iso_week;  ///< "2026-W48"
  std::string period_from, period_to;
  std::string sha256;  ///< hex of the exact bytes received: what the appliance's ack names
  /// hex SHA-256 of what the signature covers plus the signature: the idempotency key (a
  /// re-serialisation of the same signed report is the same report).
  std::string content_sha256;
  int schema_version = 0;
  std::string generator;      ///< "edugate 0.1.0": which version the school runs
  std::string bundles_json;   ///< the department bundles in force, as the report lists them
  std::string verified_with;  ///< base64 of the registry's key the signature was checked with
  /// The document with its cells left out ("cells": []): what a province report reads of it
  /// besides the cells, which the database holds as rows.
  std::string summary_json;
  std::vector<IngestedCell> cells;
  /// The bilingual labels the report gives its categories (sorted by key; labels over 200
  /// bytes are left out).
  std::vector<CategoryLabel> categories;
};

/// Why a report was refused, as an HTTP status says it.
enum class IngestRefusal { none, malformed, unknown_school, bad_signature };

struct IngestCheck {
  std::optional<IngestedReport> report;
  IngestRefusal refusal = IngestRefusal::none;
  std::string reason;     ///< one line for the school's log and the response body
  std::string school_id;  ///< the school the document claims, when it got that far ("" else)
  /// 400 malformed, 401 unknown school or bad signature, 0 when accepted.
  unsigned http_status() const noexcept;
};

/// The registered key of a school, or nullptr for a school the registry does not hold.
using KeyLookup = std::function<EVP_PKEY*(const std::string& school_id)>;

/// Everything the department checks before a report may touch the database: JSON of at most
/// kMaxReportBytes, a school report of schema 1 or 2 for exactly one ISO week, naming one
/// school, signed (edugate-json-v1, Ed25519) by the key the registry holds for that school —
/// never the key the document carries, so school A's key cannot speak for school B — and
/// following the schema in every cell. Pure apart from `keys`; thread-safe when `keys` is.
IngestCheck check_report(std::string_view body, const KeyLookup& keys);

}  // namespace edugate::reporting::department
