#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/cidr.hpp"
#include "rules/ids.hpp"
#include "rules/local_time.hpp"
#include "rules/policy_types.hpp"

namespace edugate::rules {

namespace compiled {
struct Compiled;
}  // namespace compiled

/// The default group: clients allowed by the appliance config whose address is in no group's
/// networks. Always present.
inline constexpr GroupId kDefaultGroup = 0;
/// RuleInfo::group of rules that apply to every group.
inline constexpr GroupId kAllGroups = 0xffff;

/// A category of content (labels in Vietnamese and English, for block pages and reports).
struct CategoryInfo {
  std::string id;
  std::string label_vi;
  std::string label_en;
  bool mandatory = false;  ///< set by the department; no school policy or exception lifts it
  bool builtin = false;    ///< made by edugate itself (`bare-ip`)
  std::string file;        ///< where it was defined (empty for built-ins)
  std::uint32_t line = 0;
  std::size_t domains = 0;  ///< entries per kind after de-duplication
  std::size_t url_prefixes = 0;
  std::size_t regexes = 0;
  std::size_t keywords = 0;
};

/// A policy group, chosen by the client's network.
struct GroupInfo {
  std::string id;  ///< "default" for kDefaultGroup
  std::string label_vi;
  std::string label_en;
  AgeBand age = AgeBand::mam_non;
  std::vector<Cidr> networks;  ///< empty for the default group
  SafeSearchPolicy safe_search;
  std::string file;  ///< where it was defined (empty when the default group is implicit)
  std::uint32_t line = 0;
  /// HTTPS inspection after layering (built-in none, then the profile, then the group).
  InspectMode inspect = InspectMode::none;
  /// Never decrypted, whatever `inspect` says: hosts in these categories (union of profile and
  /// group, sorted) and these domains with their subdomains (normalised, sorted).
  std::vector<CategoryId> inspect_exempt_categories;
  std::vector<std::string> inspect_exempt_domains;
};

/// Where a rule came from and what it says. Views point into the RuleSet.
struct RuleInfo {
  RuleKind kind = RuleKind::builtin;
  CategoryId category = kNoCategory;  ///< kNoCategory for exceptions and most policy lines
  GroupId group = kAllGroups;         ///< for exceptions and policy lines
  std::string_view file;              ///< empty for built-in rules
  std::uint32_t line = 0;             ///< 1-based; 0 = whole file or built-in
  std::uint32_t column = 0;
  std::string_view text;  ///< the entry as stored: domain, "host/path", regex, keyword, policy
};

/// Counts for `edugate check` and /metrics.
struct RuleSetStats {
  std::size_t domains = 0;  ///< unique domains over all categories
  std::size_t domain_rules = 0;
  std::size_t url_prefixes = 0;
  std::size_t regexes = 0;
  std::size_t regex_sets = 0;
  std::size_t keywords = 0;
  std::size_t exceptions = 0;
  std::size_t memory_bytes = 0;  ///< bytes of the domain tables (the bulk; RE2 not counted)
};

/// The compiled, immutable rule set. Built by load_rules() off the hot path and shared across
/// threads as std::shared_ptr<const RuleSet>; every member function is const and safe to call
/// concurrently. Ids (GroupId, CategoryId, RuleId) are valid for this rule set only.
class RuleSet {
 public:
  /// Takes ownership of the compiled tables (made by the builder in rules/load).
  explicit RuleSet(std::unique_ptr<const compiled::Compiled> tables);
  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  /// The group whose networks contain `client`, longest prefix first; nullopt when none does
  /// (use kDefaultGroup then). The address is neither stored nor logged.
  std::optional<GroupId> group_for(const IpBytes& client) const noexcept;
  /// The group with this id ("tieu-hoc", "default").
  std::optional<GroupId> find_group(std::string_view id) const noexcept;
  std::size_t group_count() const noexcept;
  /// Precondition: group < group_count().
  const GroupInfo& group(GroupId group) const noexcept;

  std::size_t category_count() const noexcept;
  /// Precondition: category < category_count().
  const CategoryInfo& category(CategoryId category) const noexcept;
  std::optional<CategoryId> find_category(std::string_view id) const noexcept;

  /// Whether `host` (normalised: a name or an IP literal) must never be decrypted for `group`:
  /// it, or a parent domain, is in one of the group's inspect_exempt_domains or is listed by
  /// one of its inspect_exempt_categories. An out-of-range group is read as kDefaultGroup.
  /// Never allocates; thread-safe.
  bool inspect_exempt(GroupId group, std::string_view host) const noexcept;

  /// Number of rules; valid RuleIds are 0 .. rule_count() - 1.
  std::size_t rule_count() const noexcept;
  /// Where rule `id` came from. Precondition: id < rule_count().
  RuleInfo rule(RuleId id) const noexcept;

  /// SHA-256 (hex, 16 digits) of every input file and setting; equal inputs give equal versions.
  const std::string& version() const noexcept;
  const TimeZone& time_zone() const noexcept;
  RuleSetStats stats() const noexcept;

  /// Internal: the compiled tables, for decide(), explain() and tests in rules/.
  const compiled::Compiled& tables() const noexcept { return *tables_; }

 private:
  std::unique_ptr<const compiled::Compiled> tables_;
};

}  // namespace edugate::rules
