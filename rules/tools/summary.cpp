#include "rules/tools/summary.hpp"

#include <fmt/format.h>

#include "rules/compiled/compiled.hpp"

namespace edugate::rules::tools {

namespace {

/// Categories that `group` blocks or warns on at `at`, as "id, id" (mandatory ones left out).
std::string acting(const compiled::Compiled& t, GroupId group, Action action, const LocalTime& at) {
  std::string out;
  for (std::size_t c = 0; c < t.categories.size(); ++c) {
    if (t.categories[c].mandatory) continue;
    const auto v = t.policies[group].verdict(static_cast<CategoryId>(c), at, t.schedules);
    if (v.action != action) continue;
    out += (out.empty() ? "" : ", ") + t.categories[c].id;
  }
  return out.empty() ? "-" : out;
}

std::string networks(const GroupInfo& g) {
  if (g.networks.empty()) return "(clients in no other group)";
  std::string out;
  for (const auto& n : g.networks) out += (out.empty() ? "" : ", ") + n.to_string();
  return out;
}

void append_categories(std::string& out, const RuleSet& rules) {
  out += fmt::format("{} categories:\n", rules.category_count());
  for (CategoryId c = 0; c < rules.category_count(); ++c) {
    const CategoryInfo& i = rules.category(c);
    out += fmt::format(
        "  {:<14} {:<10} {:>9} domains {:>6} url prefixes {:>5} regexes {:>4} "
        "keywords  {} / {}\n",
        i.id,
        i.mandatory ? "mandatory"
        : i.builtin ? "built-in"
                    : "",
        i.domains, i.url_prefixes, i.regexes, i.keywords, i.label_vi, i.label_en);
  }
}

void append_groups(std::string& out, const RuleSet& rules) {
  const compiled::Compiled& t = rules.tables();
  const LocalTime monday{0, 10 * 60, 0};
  const LocalTime saturday{5, 10 * 60, 5};
  out += fmt::format("{} groups (mandatory categories are blocked for all of them):\n",
                     rules.group_count());
  for (GroupId g = 0; g < rules.group_count(); ++g) {
    const GroupInfo& i = rules.group(g);
    out += fmt::format("  {:<12} age {:<9} {}\n", i.id, to_string(i.age), networks(i));
    out += fmt::format("      safe search {}{}\n", i.safe_search.enabled ? "on, YouTube " : "off",
                       i.safe_search.enabled ? to_string(i.safe_search.youtube) : "");
    for (const auto& [name, at] : {std::pair{"Mon", monday}, std::pair{"Sat", saturday}}) {
      out += fmt::format("      {} 10:00 blocks: {}; warns: {}", name,
                         acting(t, g, Action::block, at), acting(t, g, Action::warn, at));
      const std::string monitored = acting(t, g, Action::would_block, at);
      if (monitored != "-") out += fmt::format("; monitors: {}", monitored);
      out += '\n';
    }
  }
}

}  // namespace

std::string format_summary(const RuleSet& rules) {
  const RuleSetStats s = rules.stats();
  std::string out = fmt::format(
      "rule set {} ({}): {} unique domains, {} URL prefixes, {} regexes in {} sets, {} keywords, "
      "{} exceptions; domain tables {:.1f} MiB\n",
      rules.version(), rules.time_zone().name(), s.domains, s.url_prefixes, s.regexes, s.regex_sets,
      s.keywords, s.exceptions, static_cast<double>(s.memory_bytes) / (1 << 20));
  append_categories(out, rules);
  append_groups(out, rules);
  return out;
}

}  // namespace edugate::rules::tools
