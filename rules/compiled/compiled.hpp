#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rules/cidr.hpp"
#include "rules/compiled/domain_index.hpp"
#include "rules/compiled/group_policy.hpp"
#include "rules/compiled/name_rules.hpp"
#include "rules/compiled/prefix_index.hpp"
#include "rules/compiled/regex_index.hpp"
#include "rules/compiled/week_schedule.hpp"
#include "rules/local_time.hpp"
#include "rules/policy_types.hpp"
#include "rules/rule_set.hpp"

namespace edugate::rules::compiled {

/// A rule other than a domain entry (those live compactly in DomainIndex).
struct StoredRule {
  RuleKind kind = RuleKind::builtin;
  CategoryId category = kNoCategory;
  GroupId group = kAllGroups;
  std::uint16_t source = 0xffff;  ///< 0xffff = built-in
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string text;
};

/// A group network for longest-prefix lookup.
struct NetworkEntry {
  Cidr network;
  GroupId group = kDefaultGroup;
};

/// Fixed entries at the start of Compiled::reasons.
enum Reason : std::uint32_t {
  kReasonNoMatch,
  kReasonAllowedCategory,
  kReasonException,
  kReasonSafeSearch,
  kReasonRegexFailed,
  kReasonUrlTooLong,
  kReasonTeacherOverride,
  kReasonFixedCount,
};

/// Per-category reason strings, at reasons[category_reason_base + kCategoryReasons * category + k].
enum CategoryReason : std::uint32_t {
  kCategoryMandatory,
  kCategoryBlock,
  kCategoryWarn,
  kCategoryMonitor,
  kCategoryReasons
};

/// Longest "host/path?query" checked against URL regexes; longer URLs are blocked unchecked
/// (fail closed). The proxy's own limit (limits.max_url_length, default 8 KiB) is lower.
inline constexpr std::size_t kMaxRegexText = 16 * 1024;

/// Every compiled table of a rule set. Immutable once built; read concurrently by decide().
struct Compiled {
  std::vector<CategoryInfo> categories;
  std::vector<GroupInfo> groups;      ///< [kDefaultGroup] is the default group
  std::vector<GroupPolicy> policies;  ///< per group
  std::vector<std::string> sources;   ///< file paths, indexed by the rules' `source`
  DomainIndex domains;
  PrefixIndex url_prefixes;
  RegexIndex regexes;
  NameRules keywords;                 ///< folded keyword phrase → rules
  std::size_t max_keyword_words = 0;  ///< most words in one keyword phrase
  NameRules exception_domains;
  PrefixIndex exception_urls;
  std::vector<StoredRule> rules;  ///< RuleIds 0 .. rules.size() - 1; domain rules follow
  std::vector<WeekSchedule> schedules;
  std::vector<std::string> schedule_ids;
  std::vector<NetworkEntry> networks;  ///< longest prefix first
  std::vector<std::string> reasons;
  std::uint32_t category_reason_base = kReasonFixedCount;
  CategoryId bare_ip_category = kNoCategory;
  RuleId bare_ip_rule = kNoRule;           ///< built-in "the host is an IP address"
  RuleId regex_failed_rule = kNoRule;      ///< built-in "URL regexes could not be evaluated"
  RuleId url_too_long_rule = kNoRule;      ///< built-in "URL too long to check"
  RuleId teacher_override_rule = kNoRule;  ///< built-in "a teacher opened it for a lesson"
  std::optional<TimeZone> zone;
  std::string version;

  std::uint32_t category_reason(CategoryId c, CategoryReason k) const noexcept {
    return category_reason_base + kCategoryReasons * c + k;
  }
  /// RuleIds: stored rules first (their index), then domain rules (rules.size() + index in
  /// DomainIndex::rules()), so that the indices built while loading never move.
  bool is_domain_rule(RuleId id) const noexcept { return id >= rules.size(); }
  RuleId domain_rule_id(std::uint32_t index) const noexcept {
    return static_cast<RuleId>(rules.size() + index);
  }
  /// The domain entry of a domain RuleId and its domain. Precondition: is_domain_rule(id).
  std::pair<DomainHit, std::string_view> domain_rule(RuleId id) const noexcept {
    return domains.entry(static_cast<std::uint32_t>(id - rules.size()));
  }
};

}  // namespace edugate::rules::compiled
