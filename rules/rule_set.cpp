#include "rules/rule_set.hpp"

#include <algorithm>

#include "rules/compiled/compiled.hpp"
#include "rules/normalize/host.hpp"

namespace edugate::rules {

RuleSet::RuleSet(std::unique_ptr<const compiled::Compiled> tables) : tables_(std::move(tables)) {}
RuleSet::~RuleSet() = default;

std::optional<GroupId> RuleSet::group_for(const IpBytes& client) const noexcept {
  // Networks are sorted longest prefix first, so the first hit is the most specific.
  for (const auto& entry : tables_->networks)
    if (entry.network.contains(client)) return entry.group;
  return std::nullopt;
}

std::optional<GroupId> RuleSet::find_group(std::string_view id) const noexcept {
  for (std::size_t i = 0; i < tables_->groups.size(); ++i)
    if (tables_->groups[i].id == id) return static_cast<GroupId>(i);
  return std::nullopt;
}

std::size_t RuleSet::group_count() const noexcept { return tables_->groups.size(); }

const GroupInfo& RuleSet::group(GroupId group) const noexcept { return tables_->groups[group]; }

std::size_t RuleSet::category_count() const noexcept { return tables_->categories.size(); }

const CategoryInfo& RuleSet::category(CategoryId category) const noexcept {
  return tables_->categories[category];
}

std::optional<CategoryId> RuleSet::find_category(std::string_view id) const noexcept {
  for (std::size_t i = 0; i < tables_->categories.size(); ++i)
    if (tables_->categories[i].id == id) return static_cast<CategoryId>(i);
  return std::nullopt;
}

bool RuleSet::inspect_exempt(GroupId group, std::string_view host) const noexcept {
  const compiled::Compiled& t = *tables_;
  const GroupInfo& g = t.groups[group < t.groups.size() ? group : kDefaultGroup];
  if (host.empty() || (g.inspect_exempt_categories.empty() && g.inspect_exempt_domains.empty()))
    return false;
  const compiled::HostSuffixes suffixes(host, host_kind(host) != HostKind::name);
  for (std::size_t i = 0; i < suffixes.size(); ++i) {
    const auto& domains = g.inspect_exempt_domains;
    if (std::binary_search(domains.begin(), domains.end(), suffixes.suffix(i))) return true;
  }
  bool exempt = false;
  t.domains.match(suffixes, [&](const compiled::DomainHit& hit, std::size_t) {
    const auto& cats = g.inspect_exempt_categories;
    exempt = exempt || std::binary_search(cats.begin(), cats.end(), hit.category);
  });
  return exempt;
}

std::size_t RuleSet::rule_count() const noexcept {
  return tables_->rules.size() + tables_->domains.rule_count();
}

RuleInfo RuleSet::rule(RuleId id) const noexcept {
  const compiled::Compiled& t = *tables_;
  RuleInfo info;
  if (t.is_domain_rule(id)) {
    const auto [hit, domain] = t.domain_rule(id);
    info.kind = RuleKind::domain;
    info.category = hit.category;
    info.file = t.sources[hit.source];
    info.line = hit.line;
    info.text = domain;
    return info;
  }
  const compiled::StoredRule& s = t.rules[id];
  info.kind = s.kind;
  info.category = s.category;
  info.group = s.group;
  if (s.source < t.sources.size()) info.file = t.sources[s.source];
  info.line = s.line;
  info.column = s.column;
  info.text = s.text;
  return info;
}

const std::string& RuleSet::version() const noexcept { return tables_->version; }

const TimeZone& RuleSet::time_zone() const noexcept { return *tables_->zone; }

RuleSetStats RuleSet::stats() const noexcept {
  const compiled::Compiled& t = *tables_;
  RuleSetStats s;
  s.domains = t.domains.domain_count();
  s.domain_rules = t.domains.rule_count();
  s.memory_bytes = t.domains.memory_bytes();
  for (const auto& r : t.rules) {
    s.url_prefixes += r.kind == RuleKind::url_prefix ? 1 : 0;
    s.regexes += r.kind == RuleKind::regex ? 1 : 0;
    s.keywords += r.kind == RuleKind::keyword ? 1 : 0;
    s.exceptions +=
        r.kind == RuleKind::exception_domain || r.kind == RuleKind::exception_url ? 1 : 0;
  }
  s.regex_sets = t.regexes.set_count();
  return s;
}

}  // namespace edugate::rules
