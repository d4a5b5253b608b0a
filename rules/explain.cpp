#include "rules/explain.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "rules/compiled/compiled.hpp"
#include "rules/compiled/phrases.hpp"
#include "rules/compiled/regex_text.hpp"
#include "rules/decide.hpp"
#include "rules/normalize/host.hpp"
#include "rules/normalize/search_terms.hpp"
#include "rules/normalize/text_fold.hpp"
#include "rules/safe_search.hpp"

namespace edugate::rules {

namespace {

using namespace compiled;

int rank_of(const ExplainedMatch& m) { return m.mandatory ? 4 : strength(m.action); }

class Collector {
 public:
  Collector(const Compiled& t, const RequestFacts& f, GroupId group)
      : t_(t), f_(f), policy_(t.policies[group]) {}

  void name(std::string_view host, std::string_view label, bool with_url) {
    const bool ip = !host.empty() && host_kind(host) != HostKind::name;
    const HostSuffixes suffixes(host, ip);
    const std::string where = fmt::format("{} {}", label, host);
    t_.domains.match(suffixes, [&](const DomainHit& hit, std::size_t) {
      add(t_.domain_rule_id(hit.index), hit.category, where);
    });
    if (ip) add(t_.bare_ip_rule, t_.bare_ip_category, where);
    if (!with_url) return;
    t_.url_prefixes.match(suffixes, f_.path, f_.query, [&](RuleId rule, std::size_t) {
      add(rule, t_.rules[rule].category, fmt::format("URL {}{}", host, f_.path));
    });
    regexes();
    keywords();
  }

  std::vector<ExplainedMatch> take() { return std::move(matches_); }
  std::vector<std::string> notes;

 private:
  void add(RuleId rule, CategoryId c, std::string where) {
    ExplainedMatch m{rule, c, std::move(where)};
    m.mandatory = t_.categories[c].mandatory;
    if (m.mandatory) {
      m.action = Action::block;
    } else {
      const Verdict v = policy_.verdict(c, f_.at, t_.schedules);
      m.action = v.action;
      m.scheduled = v.scheduled;
      m.policy_rule = v.policy_rule;
    }
    matches_.push_back(std::move(m));
  }

  void regexes() {
    if (t_.regexes.empty()) return;
    std::string text(kMaxRegexText, '\0');
    const std::size_t length = write_regex_text(f_, text.data(), text.size());
    if (length > text.size()) {
      notes.push_back(
          "the URL is longer than 16 KiB: it cannot be checked against the URL regexes "
          "and is blocked (fail closed)");
      return;
    }
    text.resize(length);
    bool failed = false;
    for (const RuleId rule : t_.regexes.matching_rules(text, failed))
      add(rule, t_.rules[rule].category, fmt::format("URL text '{}'", text));
    if (failed)
      notes.push_back(
          "RE2 ran out of memory on the URL regexes: the request is blocked (fail "
          "closed); raise rules.regex_memory");
  }

  void keywords() {
    if (t_.keywords.empty() || f_.path.empty()) return;
    const auto terms = extract_search_terms(f_.host, f_.path, f_.query);
    if (!terms) return;
    const std::string folded = fold_for_matching(*terms);
    for_each_phrase(folded, t_.max_keyword_words, [&](std::string_view phrase) {
      for (const RuleId rule : t_.keywords.find(phrase))
        add(rule, t_.rules[rule].category, fmt::format("search terms '{}'", folded));
    });
  }

  const Compiled& t_;
  const RequestFacts& f_;
  const GroupPolicy& policy_;
  std::vector<ExplainedMatch> matches_;
};

/// The exception of `group` covering `host` (and its URL when `with_url`).
std::optional<RuleId> exception_for(const Compiled& t, GroupId group, const RequestFacts& f,
                                    std::string_view host, bool with_url) {
  const HostSuffixes s(host, !host.empty() && host_kind(host) != HostKind::name);
  std::optional<RuleId> found;
  const auto applies = [&](RuleId rule, std::size_t) {
    const GroupId g = t.rules[rule].group;
    if (!found && (g == kAllGroups || g == group)) found = rule;
  };
  t.exception_domains.match(s, applies);
  if (!found && with_url && !f.path.empty()) t.exception_urls.match(s, f.path, f.query, applies);
  return found;
}

std::string precedence_text(const RuleSet& rules, const Explanation& e) {
  const Decision& d = e.decision;
  const auto label = [&](CategoryId c) {
    return c == kNoCategory ? std::string("-") : rules.category(c).id;
  };
  const bool mandatory = d.category != kNoCategory && rules.category(d.category).mandatory &&
                         d.action == Action::block;
  if (mandatory)
    return fmt::format(
        "'{}' is a mandatory category: a mandatory block outranks everything, "
        "school exceptions included.",
        label(d.category));
  if (e.exception && d.action == Action::allow)
    return "a school exception covers this request: it outranks block and warn (but never a "
           "mandatory category).";
  if (d.action == Action::block && d.category == kNoCategory)
    return "fail closed: the request could not be fully checked.";
  if (d.action == Action::block)
    return fmt::format(
        "'{}' is blocked for this group and no exception covers it: block outranks "
        "warn and allow.",
        label(d.category));
  if (d.action == Action::warn)
    return fmt::format(
        "'{}' is set to warn for this group and nothing blocks: warn outranks "
        "allow.",
        label(d.category));
  if (d.action == Action::would_block)
    return fmt::format(
        "'{}' is monitored for this group and nothing blocks or warns: the request is let "
        "through and counted as would_block (it would be blocked if the monitor line said "
        "block).",
        label(d.category));
  if (d.action == Action::safe_search)
    return "nothing blocks or warns, and the host is a search engine: safe search is enforced.";
  if (e.matches.empty()) return "no rule matched: allowed.";
  return "every matching category is allowed for this group at this time.";
}

}  // namespace

Explanation explain(const RuleSet& rules, const RequestFacts& facts) {
  const Compiled& t = rules.tables();
  Explanation e;
  e.decision = decide(rules, facts);
  e.group = facts.group < t.groups.size() ? facts.group : kDefaultGroup;
  Collector c(t, facts, e.group);
  c.name(facts.host, "host", true);
  const bool sni = !facts.sni.empty() && facts.sni != facts.host;
  if (sni) c.name(facts.sni, "SNI", false);
  e.matches = c.take();
  e.notes = std::move(c.notes);
  const auto host_exception = exception_for(t, e.group, facts, facts.host, true);
  const auto sni_exception =
      sni ? exception_for(t, e.group, facts, facts.sni, false) : std::nullopt;
  for (auto& m : e.matches) {
    const bool on_sni = m.matched_on.starts_with("SNI ");
    m.excepted = !m.mandatory && (on_sni ? sni_exception : host_exception).has_value() &&
                 m.action != Action::allow;
  }
  if (e.decision.rule != kNoRule) {
    const RuleKind kind = rules.rule(e.decision.rule).kind;
    if (kind == RuleKind::exception_domain || kind == RuleKind::exception_url)
      e.exception = e.decision.rule;
  }
  std::stable_sort(e.matches.begin(), e.matches.end(),
                   [](const auto& a, const auto& b) { return rank_of(a) > rank_of(b); });
  if (const auto r = safe_search_rewrite(rules, e.group, facts.host)) {
    const std::string http = !r->query_parameter.empty()
                                 ? fmt::format("adds {}", r->query_parameter)
                                 : fmt::format("sets {}: {}", r->header_name, r->header_value);
    e.notes.push_back(
        fmt::format("safe search: a CONNECT is sent to {}; plain HTTP {}", r->connect_host, http));
  }
  e.precedence = precedence_text(rules, e);
  return e;
}

}  // namespace edugate::rules
