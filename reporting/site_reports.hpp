#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reporting/calendar.hpp"
#include "reporting/store.hpp"

namespace edugate::reporting {

/// What pupils reported through the portal's form: "harmful" (a site report) or
/// "wrongly-blocked" (a review request from a block page).
inline constexpr std::string_view kHarmful = "harmful";
inline constexpr std::string_view kWronglyBlocked = "wrongly-blocked";

/// One reported domain over a period, as the store keeps it: distinct devices per day, never
/// who, never a time finer than the day.
struct SiteReport {
  std::string domain;
  std::string kind;           ///< kHarmful or kWronglyBlocked
  std::uint64_t devices = 0;  ///< the most distinct devices on one day (keys change daily, so a
                              ///< device is never followed across days: a lower bound)
  int days = 0;               ///< days on which it was reported
  LocalDay last_day = 0;      ///< the last of them
};

/// Every domain reported in `period`, one entry per domain and kind, from the store's daily
/// distinct-device cells of the site_report and review_request events. Harmful first, then
/// by devices (most first), then by domain. Pure.
std::vector<SiteReport> site_reports(const StoreExtract& data, DayRange period);

}  // namespace edugate::reporting
