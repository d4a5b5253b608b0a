#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "rules/lists/list_reader.hpp"
#include "rules/load/build_state.hpp"

namespace edugate::rules::load {

namespace {

using compiled::CategoryPolicy;
using compiled::GroupPolicy;
using compiled::ScheduledAction;

std::string_view verb(Action a) {
  switch (a) {
    case Action::block:
      return "blocked";
    case Action::warn:
      return "warned";
    case Action::would_block:
      return "monitored (let through, counted as would_block)";
    default:
      return "allowed";
  }
}

/// The policy key that sets `a` ("monitor" for would_block).
std::string_view key_of(Action a) { return a == Action::would_block ? "monitor" : to_string(a); }

/// A policy whose lines were checked, with the rule id of each line.
struct CheckedPolicy {
  const PolicySpec* spec = nullptr;
  std::vector<const PolicyLine*> lines;  ///< the lines that passed the checks
  std::vector<RuleId> line_rules;
  std::vector<CategoryId> line_categories;
  std::vector<std::uint16_t> line_schedules;
  RuleId safe_search_rule = kNoRule;
  std::vector<CategoryId> inspect_exempt_categories;  ///< the ones that passed the checks
  std::vector<std::string> inspect_exempt_domains;    ///< normalised
};

class GroupCompiler {
 public:
  GroupCompiler(BuildState& state, const RuleSpec& spec) : s_(state), spec_(spec) {}

  void run() {
    compile_schedules();
    for (const auto& p : spec_.profiles) profile(p);
    const GroupSpec implicit = implicit_default();
    group(spec_.default_group ? *spec_.default_group : implicit, !spec_.default_group);
    for (const auto& g : spec_.groups) group(g, false);
    std::stable_sort(
        s_.out->networks.begin(), s_.out->networks.end(),
        [](const auto& a, const auto& b) { return a.network.prefix > b.network.prefix; });
  }

 private:
  void compile_schedules() {
    for (const auto& sch : spec_.schedules) {
      if (find_schedule(sch.id)) {
        s_.error(sch.pos, fmt::format("schedule '{}' is defined twice", sch.id));
        continue;
      }
      compiled::WeekSchedule week;
      for (const auto& w : sch.windows)
        for (int d = 0; d < 7; ++d)
          if (w.days & (1u << d)) week.add(d, w.from, w.to);
      s_.out->schedules.push_back(week);
      s_.out->schedule_ids.push_back(sch.id);
    }
  }

  std::optional<std::uint16_t> find_schedule(std::string_view id) const {
    const auto& ids = s_.out->schedule_ids;
    const auto it = std::find(ids.begin(), ids.end(), id);
    if (it == ids.end()) return std::nullopt;
    return static_cast<std::uint16_t>(it - ids.begin());
  }

  std::optional<CategoryId> find_category(std::string_view id) const {
    const auto& cats = s_.out->categories;
    for (std::size_t i = 0; i < cats.size(); ++i)
      if (cats[i].id == id && !cats[i].builtin) return static_cast<CategoryId>(i);
    if (id == "bare-ip") return s_.out->bare_ip_category;
    return std::nullopt;
  }

  /// Checks one line; on success records its category, schedule and policy rule.
  bool check_line(const PolicyLine& line, std::string_view owner, Layer layer, CheckedPolicy& out) {
    const auto c = find_category(line.category);
    if (!c) {
      s_.error(line.pos, fmt::format("unknown category '{}'", line.category));
      return false;
    }
    const CategoryInfo& info = s_.out->categories[*c];
    if (info.mandatory && (line.action != Action::block || line.schedule)) {
      s_.error(line.pos, layer == Layer::school
                             ? fmt::format("category '{}' is mandatory (set by the department at "
                                           "{}:{}): a school cannot allow, warn, monitor or "
                                           "schedule it",
                                           info.id, info.file, info.line)
                             : fmt::format("category '{}' is mandatory and always blocked: it "
                                           "cannot be allowed, warned, monitored or scheduled",
                                           info.id));
      return false;
    }
    std::uint16_t schedule = 0;
    if (line.schedule) {
      const auto sch = find_schedule(*line.schedule);
      if (!sch) {
        s_.error(line.pos, fmt::format("unknown schedule '{}'", *line.schedule));
        return false;
      }
      schedule = *sch;
    }
    for (std::size_t i = 0; i < out.line_categories.size(); ++i) {
      const PolicyLine& other = *out.lines[i];
      if (out.line_categories[i] == *c && !other.schedule && !line.schedule) {
        s_.error(line.pos, fmt::format("category '{}' is already listed under {} at line {}",
                                       info.id, key_of(other.action), other.pos.line));
        return false;
      }
    }
    const std::string text =
        line.schedule ? fmt::format("{}: {} {} {} {}", owner, key_of(line.action), info.id,
                                    line.outside ? "outside" : "during", *line.schedule)
                      : fmt::format("{}: {} {}", owner, key_of(line.action), info.id);
    out.line_rules.push_back(s_.add_rule(
        {RuleKind::policy, *c, kAllGroups, line.pos.source, line.pos.line, line.pos.column, text}));
    out.lines.push_back(&line);
    out.line_categories.push_back(*c);
    out.line_schedules.push_back(schedule);
    return true;
  }

  CheckedPolicy check(const PolicySpec& policy, std::string_view owner, Layer layer) {
    CheckedPolicy out;
    out.spec = &policy;
    for (const auto& line : policy.lines) check_line(line, owner, layer, out);
    if (policy.safe_search) {
      const Pos& p = policy.safe_search_pos;
      out.safe_search_rule =
          s_.add_rule({RuleKind::policy, kNoCategory, kAllGroups, p.source, p.line, p.column,
                       fmt::format("{}: safe_search {} (YouTube {})", owner,
                                   policy.safe_search->enabled ? "on" : "off",
                                   to_string(policy.safe_search->youtube))});
    }
    check_inspect_exempt(policy, out);
    return out;
  }

  /// Resolves `inspect_exempt` categories and domains, reporting unknown or malformed ones.
  void check_inspect_exempt(const PolicySpec& policy, CheckedPolicy& out) {
    for (const auto& e : policy.inspect_exempt_categories) {
      if (const auto c = find_category(e.text))
        out.inspect_exempt_categories.push_back(*c);
      else
        s_.error(e.pos, fmt::format("unknown category '{}' in inspect_exempt", e.text));
    }
    for (const auto& e : policy.inspect_exempt_domains) {
      ListReadResult r = read_list(ListFormat::domains, e.text);
      if (!r.problems.empty() || r.entries.empty()) {
        s_.error(e.pos, fmt::format("'{}' in inspect_exempt is not a domain", e.text));
        continue;
      }
      for (auto& entry : r.entries) out.inspect_exempt_domains.push_back(std::move(entry.value));
    }
  }

  void profile(const ProfileSpec& p) {
    const auto band = static_cast<std::size_t>(p.age);
    if (profiles_[band].spec) {
      s_.error(p.pos, fmt::format("profile '{}' is defined twice", to_string(p.age)));
      return;
    }
    profiles_[band] =
        check(p.policy, fmt::format("profile {}", to_string(p.age)), Layer::department);
  }

  GroupSpec implicit_default() const {
    GroupSpec g;
    g.id = "default";
    g.label_vi = "Mặc định";
    g.label_en = "Default";
    g.age = AgeBand::mam_non;
    return g;
  }

  void group(const GroupSpec& g, bool implicit);
  void inspection(const CheckedPolicy& profile, const CheckedPolicy& own, GroupInfo& info);
  GroupPolicy layered(const GroupSpec& g, const CheckedPolicy& profile, const CheckedPolicy& own);
  void add_network(const Cidr& network, const Pos& pos, GroupId id, GroupInfo& info);
  void apply(const CheckedPolicy& policy, std::uint8_t layer, GroupPolicy& gp,
             std::vector<std::vector<ScheduledAction>>& scheduled);
  std::uint32_t scheduled_reason(CategoryId c, const PolicyLine& line);
  std::uint32_t category_reason(CategoryId c, Action action) const;

  BuildState& s_;
  const RuleSpec& spec_;
  CheckedPolicy profiles_[kAgeBandCount];
  std::map<std::string, std::uint32_t> scheduled_reasons_;
};

std::uint32_t GroupCompiler::scheduled_reason(CategoryId c, const PolicyLine& line) {
  const CategoryInfo& info = s_.out->categories[c];
  std::string text = fmt::format("category '{}' ({} / {}) is {} {} schedule '{}'", info.id,
                                 info.label_vi, info.label_en, verb(line.action),
                                 line.outside ? "outside" : "during", *line.schedule);
  const auto it = scheduled_reasons_.find(text);
  if (it != scheduled_reasons_.end()) return it->second;
  const std::uint32_t index = s_.add_reason(text);
  scheduled_reasons_.emplace(std::move(text), index);
  return index;
}

std::uint32_t GroupCompiler::category_reason(CategoryId c, Action action) const {
  switch (action) {
    case Action::block:
      return s_.out->category_reason(c, compiled::kCategoryBlock);
    case Action::warn:
      return s_.out->category_reason(c, compiled::kCategoryWarn);
    case Action::would_block:
      return s_.out->category_reason(c, compiled::kCategoryMonitor);
    default:
      return compiled::kReasonAllowedCategory;
  }
}

void GroupCompiler::apply(const CheckedPolicy& policy, std::uint8_t layer, GroupPolicy& gp,
                          std::vector<std::vector<ScheduledAction>>& scheduled) {
  if (!policy.spec) return;
  // A plain block/warn/allow line sets the category's action outright: it replaces the base
  // action and drops the scheduled entries inherited from the layer below. Scheduled lines are
  // added on top, and when active they win over the inherited ones.
  for (std::size_t i = 0; i < policy.line_rules.size(); ++i) {
    const PolicyLine& line = *policy.lines[i];
    if (line.schedule) continue;
    const CategoryId c = policy.line_categories[i];
    const std::uint32_t reason = category_reason(c, line.action);
    scheduled[c].clear();
    gp.categories[c].base = line.action;
    gp.categories[c].policy_rule = policy.line_rules[i];
    gp.categories[c].reason = reason;
  }
  for (std::size_t i = 0; i < policy.line_rules.size(); ++i) {
    const PolicyLine& line = *policy.lines[i];
    if (!line.schedule) continue;
    const CategoryId c = policy.line_categories[i];
    scheduled[c].push_back({policy.line_schedules[i], line.outside, layer, line.action,
                            policy.line_rules[i], scheduled_reason(c, line)});
  }
}

SafeSearchPolicy default_safe_search(AgeBand age) {
  const bool young = age == AgeBand::mam_non || age == AgeBand::tieu_hoc;
  return {true, young ? YoutubeMode::strict : YoutubeMode::moderate};
}

GroupPolicy GroupCompiler::layered(const GroupSpec& g, const CheckedPolicy& profile,
                                   const CheckedPolicy& own) {
  const std::size_t n = s_.out->categories.size();
  GroupPolicy gp;
  gp.categories.assign(
      n, CategoryPolicy{Action::allow, kNoRule, compiled::kReasonAllowedCategory, 0, 0});
  const CategoryId bare = s_.out->bare_ip_category;
  if (is_pupil(g.age) && bare != kNoCategory)
    gp.categories[bare] = {Action::block, s_.builtin_bare_ip_policy,
                           s_.out->category_reason(bare, compiled::kCategoryBlock), 0, 0};
  std::vector<std::vector<ScheduledAction>> scheduled(n);
  apply(profile, 0, gp, scheduled);
  apply(own, 1, gp, scheduled);
  for (std::size_t c = 0; c < n; ++c) {
    gp.categories[c].first_scheduled = static_cast<std::uint16_t>(gp.scheduled.size());
    gp.categories[c].scheduled_count = static_cast<std::uint16_t>(scheduled[c].size());
    gp.scheduled.insert(gp.scheduled.end(), scheduled[c].begin(), scheduled[c].end());
  }
  return gp;
}

void GroupCompiler::group(const GroupSpec& g, bool implicit) {
  for (const auto& existing : s_.out->groups) {
    if (existing.id == g.id) {
      s_.error(g.pos, fmt::format("group '{}' is defined twice", g.id));
      return;
    }
  }
  const auto id = static_cast<GroupId>(s_.out->groups.size());
  const CheckedPolicy own = check(g.policy, fmt::format("group {}", g.id), Layer::school);
  const CheckedPolicy& profile = profiles_[static_cast<std::size_t>(g.age)];
  GroupPolicy gp = layered(g, profile, own);
  GroupInfo info{g.id,
                 g.label_vi,
                 g.label_en,
                 g.age,
                 {},
                 default_safe_search(g.age),
                 implicit ? std::string() : s_.file(g.pos.source),
                 g.pos.line,
                 InspectMode::none,
                 {},
                 {}};
  inspection(profile, own, info);
  // Safe search: built-in default, then the profile, then the group, the last one set wins.
  RuleId safe_rule = s_.builtin_safe_search;
  for (const CheckedPolicy* layer : {&profile, &own}) {
    if (!layer->spec || !layer->spec->safe_search) continue;
    info.safe_search = *layer->spec->safe_search;
    safe_rule = layer->safe_search_rule;
  }
  gp.safe_search_rule = info.safe_search.enabled ? safe_rule : kNoRule;
  gp.safe_search_reason = compiled::kReasonSafeSearch;
  for (const auto& [network, pos] : g.networks) add_network(network, pos, id, info);
  s_.out->groups.push_back(std::move(info));
  s_.out->policies.push_back(std::move(gp));
}

void GroupCompiler::inspection(const CheckedPolicy& profile, const CheckedPolicy& own,
                               GroupInfo& info) {
  // The mode: the last layer that sets it wins. Exemptions add up: a school can exempt more
  // than the department, never less.
  for (const CheckedPolicy* layer : {&profile, &own}) {
    if (!layer->spec) continue;
    if (layer->spec->inspect) info.inspect = *layer->spec->inspect;
    auto& cats = info.inspect_exempt_categories;
    cats.insert(cats.end(), layer->inspect_exempt_categories.begin(),
                layer->inspect_exempt_categories.end());
    auto& domains = info.inspect_exempt_domains;
    domains.insert(domains.end(), layer->inspect_exempt_domains.begin(),
                   layer->inspect_exempt_domains.end());
  }
  auto& domains = info.inspect_exempt_domains;
  std::sort(domains.begin(), domains.end());
  domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
  auto& cats = info.inspect_exempt_categories;
  std::sort(cats.begin(), cats.end());
  cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
}

void GroupCompiler::add_network(const Cidr& network, const Pos& pos, GroupId id, GroupInfo& info) {
  for (const auto& other : s_.out->networks) {
    if (other.network.prefix == network.prefix && other.network.base == network.base) {
      s_.error(pos, fmt::format("network {} is already in group '{}'", network.to_string(),
                                s_.out->groups[other.group].id));
      return;
    }
  }
  s_.out->networks.push_back({network, id});
  info.networks.push_back(network);
}

}  // namespace

void compile_groups(BuildState& state, const RuleSpec& spec) { GroupCompiler(state, spec).run(); }

}  // namespace edugate::rules::load
