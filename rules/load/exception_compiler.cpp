#include <fmt/format.h>

#include "rules/lists/list_reader.hpp"
#include "rules/load/build_state.hpp"
#include "rules/load/url_entry.hpp"
#include "rules/normalize/host.hpp"

namespace edugate::rules::load {

namespace {

class ExceptionCompiler {
 public:
  explicit ExceptionCompiler(BuildState& state) : s_(state) {}

  void add(const ExceptionsSpec& spec, GroupId group) {
    for (const auto& e : spec.domains)
      for (const auto& value : read(ListFormat::domains, e)) domain(value, e, group);
    for (const auto& e : spec.urls)
      for (const auto& value : read(ListFormat::squidguard_urls, e)) url(value, e, group);
  }

 private:
  std::vector<std::string> read(ListFormat format, const Entry& e) {
    ListReadResult r = read_list(format, e.text);
    for (const auto& p : r.problems) s_.error(e.pos, fmt::format("'{}': {}", e.text, p.message));
    if (r.problems.empty() && r.entries.empty())
      s_.error(e.pos, fmt::format("'{}' is not a {} entry", e.text, to_string(format)));
    std::vector<std::string> out;
    for (auto& entry : r.entries) out.push_back(std::move(entry.value));
    return out;
  }

  /// An exception may not cover a host that a mandatory category lists (itself or a parent).
  bool lifts_mandatory(std::string_view host, const Entry& e) {
    const compiled::Compiled& t = *s_.out;
    const compiled::HostSuffixes suffixes(host, host_kind(host) != HostKind::name);
    bool found = false;
    t.domains.match(suffixes, [&](const compiled::DomainHit& hit, std::size_t suffix) {
      const CategoryInfo& c = t.categories[hit.category];
      if (found || !c.mandatory) return;
      found = true;
      s_.error(e.pos,
               fmt::format("exception '{}' would lift mandatory category '{}' (it lists "
                           "'{}' at {}:{}): mandatory categories cannot be excepted",
                           e.text, c.id, suffixes.suffix(suffix), t.sources[hit.source], hit.line));
    });
    return found;
  }

  void domain(const std::string& value, const Entry& e, GroupId group) {
    if (value.size() > compiled::NameTable::kMaxName || lifts_mandatory(value, e)) return;
    const RuleId rule = s_.add_rule({RuleKind::exception_domain, kNoCategory, group, e.pos.source,
                                     e.pos.line, e.pos.column, value});
    s_.exception_domains.add(value, rule);
  }

  void url(const std::string& value, const Entry& e, GroupId group) {
    const auto [host, path] = split_url_entry(value);
    if (host.empty() || host.size() > compiled::NameTable::kMaxName || lifts_mandatory(host, e))
      return;
    const auto rule = static_cast<RuleId>(s_.out->rules.size());
    if (!s_.exception_urls.add(host, path, rule)) return;
    s_.add_rule({RuleKind::exception_url, kNoCategory, group, e.pos.source, e.pos.line,
                 e.pos.column, value});
  }

  BuildState& s_;
};

std::optional<GroupId> group_id(const BuildState& s, std::string_view id) {
  for (std::size_t i = 0; i < s.out->groups.size(); ++i)
    if (s.out->groups[i].id == id) return static_cast<GroupId>(i);
  return std::nullopt;
}

}  // namespace

void compile_exceptions(BuildState& state, const RuleSpec& spec) {
  ExceptionCompiler compiler(state);
  compiler.add(spec.school_exceptions, kAllGroups);
  if (spec.default_group) compiler.add(spec.default_group->exceptions, kDefaultGroup);
  for (const auto& g : spec.groups)
    if (const auto id = group_id(state, g.id)) compiler.add(g.exceptions, *id);
}

}  // namespace edugate::rules::load
