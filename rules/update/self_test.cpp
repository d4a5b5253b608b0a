#include "rules/update/self_test.hpp"

#include <fmt/format.h>

#include <cmath>

#include "rules/decide.hpp"
#include "rules/request_facts.hpp"

namespace edugate::rules::update {

namespace {

std::uint64_t entries_of(const CategoryInfo& c) {
  return c.domains + c.url_prefixes + c.regexes + c.keywords;
}

/// One domain entry of each mandatory category (the first rule of kind domain), by category id;
/// the walk over the rules stops once every mandatory category has one.
std::vector<std::string_view> sample_domains(const RuleSet& rules) {
  std::vector<std::string_view> out(rules.category_count());
  std::size_t missing = 0;
  for (CategoryId c = 0; c < rules.category_count(); ++c)
    if (rules.category(c).mandatory && rules.category(c).domains > 0) ++missing;
  for (RuleId id = 0; id < rules.rule_count() && missing > 0; ++id) {
    const auto r = rules.rule(id);
    if (r.kind != RuleKind::domain || r.category >= out.size() || !out[r.category].empty() ||
        !rules.category(r.category).mandatory)
      continue;
    out[r.category] = r.text;
    --missing;
  }
  return out;
}

}  // namespace

std::uint64_t entry_count(const RuleSet& rules) {
  std::uint64_t n = 0;
  for (CategoryId c = 0; c < rules.category_count(); ++c) n += entries_of(rules.category(c));
  return n;
}

std::vector<std::string> self_test(const RuleSet& candidate, const RuleSet* serving,
                                   const SelfTestLimits& limits) {
  std::vector<std::string> problems;
  if (serving) {
    for (CategoryId c = 0; c < serving->category_count(); ++c) {
      const auto& old = serving->category(c);
      if (old.mandatory && !candidate.find_category(old.id))
        problems.push_back(
            fmt::format("mandatory category {} is gone from the new bundle", old.id));
    }
  }
  const auto samples = sample_domains(candidate);
  // Monday 2026-01-05 10:00: school hours, when every schedule is in force.
  const LocalTime monday_10{20458, 600, 0};
  for (CategoryId c = 0; c < candidate.category_count(); ++c) {
    const auto& cat = candidate.category(c);
    if (!cat.mandatory || cat.builtin) continue;
    if (entries_of(cat) == 0) {
      problems.push_back(fmt::format("mandatory category {} has no entries", cat.id));
      continue;
    }
    if (samples[c].empty()) continue;  // only URLs, regexes or keywords: nothing to try by name
    for (GroupId g = 0; g < candidate.group_count(); ++g) {
      RequestFacts f;
      f.group = g;
      f.host = samples[c];
      f.path = "/";
      f.at = monday_10;
      const auto d = decide(candidate, f);
      if (d.action != Action::block) {
        problems.push_back(
            fmt::format("mandatory category {} does not block its own entry {} in "
                        "group {}",
                        cat.id, samples[c], candidate.group(g).id));
        break;
      }
    }
  }
  if (serving && !limits.allow_shrink) {
    const auto before = entry_count(*serving);
    const auto after = entry_count(candidate);
    const double floor = std::floor(static_cast<double>(before) * (1.0 - limits.max_shrink));
    if (static_cast<double>(after) < floor)
      problems.push_back(fmt::format(
          "the bundle has {} entries against {} in force: it lost more than {:.0f}% (publish "
          "with --allow-shrink if the department cut its lists on purpose)",
          after, before, limits.max_shrink * 100));
  }
  return problems;
}

}  // namespace edugate::rules::update
