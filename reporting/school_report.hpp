#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reporting/calendar.hpp"
#include "reporting/settings.hpp"
#include "reporting/suppression.hpp"

namespace edugate::reporting {

/// A school's report for a period, rendered and ready to hand out.
struct RenderedReport {
  std::string body;
  std::string content_type;
  bool signed_json = false;  ///< JSON carrying the school's Ed25519 signature
  SuppressionStats suppression;
  std::size_t cells = 0;
};

/// Everything `edugate report weekly` and the department endpoint do: reads `period` from the
/// store (read-only), builds the report with small-cell and complementary suppression, adds
/// Laplace noise when configured, and renders it as "json" (signed when a signing key is
/// configured), "csv" or "html". nullopt with `error` when the store cannot be read, the key
/// cannot be loaded or the random source fails. Thread-safe (opens its own store handle).
std::optional<RenderedReport> render_school_report(const ReportingSettings& settings,
                                                   DayRange period, std::string_view format,
                                                   std::string_view generator, std::string* error);

}  // namespace edugate::reporting
