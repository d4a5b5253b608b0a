#pragma once

#include <map>
#include <set>
#include <string>

#include "reporting/report.hpp"
#include "reporting/store.hpp"
#include "reporting/suppression.hpp"

namespace edugate::reporting {

/// What a school report is for and how private it must be.
struct ReportRequest {
  DayRange period;
  int k = 10;
  int top_domains = 20;
  std::string school_id;
  std::string school_name;
  std::string node_id;  ///< the appliance that counted; "" when unknown
  std::string generator = "edugate";
  /// Domains the school confirmed with `edugate review block|allow`: listed in site_reports
  /// whatever their device count.
  std::set<std::string> confirmed_domains;
  /// Domains the school dismissed (`edugate review dismiss`), with the day: withheld unless
  /// reported after it.
  std::map<std::string, LocalDay> dismissed_domains;
  /// Other reported domains are listed from this many distinct devices on.
  std::uint64_t site_report_min_devices = 2;
};

/// Builds a school report from what the store holds for `request.period`: per day, action,
/// category and group, with every row, column and grand total, plus the top blocked/warned
/// registrable domains of the period; then applies small-cell and complementary suppression.
/// Domains reached by fewer than k devices on every day are left out of the list entirely (their
/// name alone would say something about a few pupils). No noise: see add_laplace_noise().
/// `stats` (optional) receives the suppression counts. Pure.
Report build_report(const StoreExtract& data, const ReportRequest& request,
                    SuppressionStats* stats = nullptr);

}  // namespace edugate::reporting
