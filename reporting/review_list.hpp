#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reporting/site_reports.hpp"
#include "rules/review.hpp"
#include "rules/rule_set.hpp"

namespace edugate::reporting {

/// A reported domain as the school admin reviews it (`edugate review list`, the status page).
struct ReviewItem {
  SiteReport report;
  std::string category_now;  ///< the categories the rules put it in now, "" for none
  bool mandatory = false;    ///< one of them is mandatory: the school cannot allow it
  std::optional<rules::ReviewDecision> decision;  ///< what the school decided, if anything
};

/// The categories `rules` put `domain` in now ("a, b"), and whether one is mandatory.
std::pair<std::string, bool> categories_now(const rules::RuleSet& rules, const std::string& domain);

/// The review list of `period`: every domain pupils reported (site_reports()), with the
/// categories `rules` (when given) put it in now and the school's decision from `file`. A
/// decided domain (blocked, allowed or dismissed) is left out unless it was reported again
/// after the day of the decision, or `with_decided`. At most `max_items` (the most reported).
/// Pure.
std::vector<ReviewItem> review_list(const StoreExtract& data, DayRange period,
                                    const rules::RuleSet* rules, const rules::ReviewFile& file,
                                    bool with_decided = false, std::size_t max_items = SIZE_MAX);

/// The domains the school confirmed (`block` or `allow` in its review file): the weekly report
/// lists them whatever their device count.
std::set<std::string> confirmed_domains(const rules::ReviewFile& file);

/// The domains the school dismissed, with the day (a dismissal without a valid day counts from
/// the beginning of time: LocalDay max).
std::map<std::string, LocalDay> dismissed_domains(const rules::ReviewFile& file);

}  // namespace edugate::reporting
