#include "reporting/site_reports.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "reporting/tallied.hpp"

namespace edugate::reporting {

std::vector<SiteReport> site_reports(const StoreExtract& data, DayRange period) {
  const std::string site_report(to_string(Tallied::site_report));
  const std::string review_request(to_string(Tallied::review_request));
  // (domain, kind) → day → devices; a review request is kept per blocked category, and one
  // device reports a domain once a day (the portal's guard), so the categories add up.
  std::map<std::pair<std::string, std::string_view>, std::map<LocalDay, std::uint64_t>> per_day;
  for (const auto& [cell, devices] : data.devices) {
    if (cell.day < period.from || cell.day > period.to) continue;
    if (cell.group != kAll || cell.domain == kAll || cell.domain.empty() || devices == 0) continue;
    std::string_view kind;
    if (cell.action == site_report)
      kind = kHarmful;
    else if (cell.action == review_request)
      kind = kWronglyBlocked;
    else
      continue;
    per_day[{cell.domain, kind}][cell.day] += devices;
  }
  std::vector<SiteReport> out;
  for (const auto& [key, days] : per_day) {
    SiteReport r{key.first, std::string(key.second), 0, static_cast<int>(days.size()), 0};
    for (const auto& [day, n] : days) {
      r.devices = std::max(r.devices, n);
      r.last_day = std::max(r.last_day, day);
    }
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const SiteReport& a, const SiteReport& b) {
    return std::tuple(a.kind != kHarmful, -static_cast<std::int64_t>(a.devices), a.domain) <
           std::tuple(b.kind != kHarmful, -static_cast<std::int64_t>(b.devices), b.domain);
  });
  return out;
}

}  // namespace edugate::reporting
