#pragma once

#include <string>

#include "reporting/report.hpp"

namespace edugate::reporting {

/// Display text shared by the CSV and HTML renderers. Pure.

/// Vietnamese / English label of a category key; "*" is the total, "" is "uncategorised".
std::string category_vi(const Report& r, const std::string& key);
std::string category_en(const Report& r, const std::string& key);
/// Display name of a group key; "*" is "all groups".
std::string group_name(const Report& r, const std::string& key);
/// Action labels ("*" = all requests).
std::string action_vi(const std::string& key);
std::string action_en(const std::string& key);
/// "none" or "Laplace, ε = 1 per week, sensitivity 7, scale b = 7".
std::string noise_text(const PrivacyInfo& p);
/// School ids and names, "; "-joined; a school merged from several nodes lists them in brackets.
std::string schools_text(const Report& r);
/// The department bundles each school enforced: "12 (verified, 2026-11-30 → 2026-12-06)", per
/// school when several; "—" when none were recorded.
std::string bundles_text(const Report& r);

}  // namespace edugate::reporting
