#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "reporting/hour_bucket.hpp"

namespace edugate::reporting {

/// An inclusive range of local days.
struct DayRange {
  LocalDay from = 0;
  LocalDay to = 0;
  friend bool operator==(const DayRange&, const DayRange&) = default;
};

/// "2026-11-16" → local day; nullopt unless a valid proleptic Gregorian date in that exact form.
std::optional<LocalDay> parse_date(std::string_view text);
/// Local day → "2026-11-16".
std::string format_date(LocalDay day);
/// ISO weekday: 1 = Monday … 7 = Sunday.
int iso_weekday(LocalDay day) noexcept;
/// "2026-W47" → Monday..Sunday of that ISO 8601 week; nullopt for bad text or a week the year
/// does not have (W53 only in long years).
std::optional<DayRange> parse_iso_week(std::string_view text);
/// The ISO week a day falls in, as "2026-W47".
std::string iso_week_of(LocalDay day);

}  // namespace edugate::reporting
