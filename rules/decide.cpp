#include "rules/decide.hpp"

#include <optional>

#include "rules/compiled/compiled.hpp"
#include "rules/compiled/phrases.hpp"
#include "rules/compiled/regex_text.hpp"
#include "rules/normalize/host.hpp"
#include "rules/normalize/search_terms.hpp"
#include "rules/normalize/text_fold.hpp"
#include "rules/safe_search.hpp"

namespace edugate::rules {

namespace {

using namespace compiled;

/// Ranks of the precedence rule; an exception sits between mandatory and block.
constexpr int kNone = -1;
constexpr int kMandatory = 4;

struct Candidate {
  int rank = kNone;  ///< strength() of the action, or kMandatory
  CategoryId category = kNoCategory;
  RuleId rule = kNoRule;
  std::uint32_t reason = kReasonNoMatch;
};

class Evaluator {
 public:
  Evaluator(const Compiled& t, const RequestFacts& f)
      : t_(t),
        f_(f),
        group_(f.group < t.groups.size() ? f.group : kDefaultGroup),
        policy_(t.policies[group_]) {}

  Decision run() const {
    const bool host_ip = is_ip(f_.host);
    const HostSuffixes host(f_.host, host_ip);
    Candidate on_host;
    match_name(host, host_ip, on_host);
    if (on_host.rank < kMandatory) match_url(host, on_host);
    Candidate on_sni;
    std::optional<HostSuffixes> sni;
    if (!f_.sni.empty() && f_.sni != f_.host) {
      const bool sni_ip = is_ip(f_.sni);
      sni.emplace(f_.sni, sni_ip);
      match_name(*sni, sni_ip, on_sni);
    }
    return finish(host, on_host, sni ? &*sni : nullptr, on_sni);
  }

 private:
  static bool is_ip(std::string_view host) noexcept {
    return !host.empty() && host_kind(host) != HostKind::name;
  }

  void consider(CategoryId c, RuleId rule, Candidate& best) const noexcept {
    if (t_.categories[c].mandatory) {
      if (best.rank < kMandatory)
        best = {kMandatory, c, rule, t_.category_reason(c, kCategoryMandatory)};
      return;
    }
    const Verdict v = policy_.verdict(c, f_.at, t_.schedules);
    int rank = strength(v.action);
    std::uint32_t reason = v.reason;
    // A category a teacher opened counts as allowed here, so that every other category the
    // request matches (a keyword, a regex, a second list) still competes.
    if (rank > strength(Action::allow) && !f_.grants.empty() && category_granted(c)) {
      rank = strength(Action::allow);
      reason = kReasonTeacherOverride;
    }
    if (rank > best.rank) best = {rank, c, rule, reason};
  }

  bool category_granted(CategoryId c) const noexcept {
    for (const Grant& g : f_.grants)
      if (g.group == group_ && g.category == c) return true;
    return false;
  }

  void match_name(const HostSuffixes& name, bool ip, Candidate& best) const noexcept {
    t_.domains.match(name, [&](const DomainHit& hit, std::size_t) {
      consider(hit.category, t_.domain_rule_id(hit.index), best);
    });
    if (ip && t_.bare_ip_category != kNoCategory)
      consider(t_.bare_ip_category, t_.bare_ip_rule, best);
  }

  void match_url(const HostSuffixes& host, Candidate& best) const {
    if (!f_.path.empty() && !t_.url_prefixes.empty()) {
      t_.url_prefixes.match(host, f_.path, f_.query, [&](RuleId rule, std::size_t) {
        consider(t_.rules[rule].category, rule, best);
      });
    }
    if (best.rank < kMandatory) match_regexes(best);
    if (best.rank < kMandatory) match_keywords(best);
  }

  void match_regexes(Candidate& best) const {
    if (t_.regexes.empty()) return;
    char text[kMaxRegexText];
    const std::size_t length = write_regex_text(f_, text, sizeof text);
    if (length > sizeof text) {
      best = {strength(Action::block), kNoCategory, t_.url_too_long_rule, kReasonUrlTooLong};
      return;
    }
    const bool evaluated = t_.regexes.match({text, length}, [&](CategoryId c, RuleId set_rule) {
      consider(c, set_rule, best);
      return best.rank < kMandatory;
    });
    if (!evaluated && best.rank < kMandatory)
      best = {strength(Action::block), kNoCategory, t_.regex_failed_rule, kReasonRegexFailed};
  }

  void match_keywords(Candidate& best) const {
    if (t_.keywords.empty() || f_.path.empty()) return;
    const auto terms = extract_search_terms(f_.host, f_.path, f_.query);
    if (!terms) return;
    const std::string folded = fold_for_matching(*terms);
    for_each_phrase(folded, t_.max_keyword_words, [&](std::string_view phrase) {
      for (const RuleId rule : t_.keywords.find(phrase))
        consider(t_.rules[rule].category, rule, best);
    });
  }

  /// The exception rule of this group covering the name (and, for the request host, its URL).
  std::optional<RuleId> exception_for(const HostSuffixes& name, bool with_url) const {
    std::optional<RuleId> found;
    const auto applies = [&](RuleId rule, std::size_t) {
      const GroupId g = t_.rules[rule].group;
      if (!found && (g == kAllGroups || g == group_)) found = rule;
    };
    t_.exception_domains.match(name, applies);
    if (!found && with_url && !f_.path.empty())
      t_.exception_urls.match(name, f_.path, f_.query, applies);
    return found;
  }

  /// A teacher's override of this group covering the category or the name.
  /// A teacher's override of this group opening the name (a site, with its subdomains).
  bool site_granted(const HostSuffixes& name) const noexcept {
    for (const Grant& g : f_.grants)
      if (g.group == group_ && g.category == kNoCategory && name.has_suffix(g.domain)) return true;
    return false;
  }

  /// Lifts a block, warn or monitor that a school exception or a teacher's override covers.
  /// Returns the exception rule (or the built-in override rule).
  std::optional<RuleId> lift(const HostSuffixes& name, bool with_url, Candidate& c) const {
    if (c.rank <= strength(Action::allow)) return std::nullopt;
    if (c.category == kNoCategory) return std::nullopt;  // fail-closed blocks stay blocked
    if (auto rule = exception_for(name, with_url)) return rule;
    if (!f_.grants.empty() && site_granted(name)) return t_.teacher_override_rule;
    return std::nullopt;
  }

  Decision finish(const HostSuffixes& host, Candidate on_host, const HostSuffixes* sni,
                  Candidate on_sni) const {
    if (on_host.rank == kMandatory || on_sni.rank == kMandatory)
      return make(Action::block, on_host.rank == kMandatory ? on_host : on_sni);
    const auto host_exception = lift(host, true, on_host);
    const auto sni_exception = sni ? lift(*sni, false, on_sni) : std::nullopt;
    const int host_rank = host_exception ? kNone : on_host.rank;
    const int sni_rank = sni_exception ? kNone : on_sni.rank;
    const Candidate& top = sni_rank > host_rank ? on_sni : on_host;
    const int rank = std::max(host_rank, sni_rank);
    if (rank == strength(Action::block)) return make(Action::block, top);
    if (rank == strength(Action::warn)) return make(Action::warn, top);
    // Safe search is enforcement, not a block: neither a monitored category nor a school
    // exception (which lifts blocks and warnings) turns it off for a search engine.
    const bool safe_search =
        policy_.safe_search_rule != kNoRule && search_engine_of(f_.host) != SearchEngine::none;
    if (rank == strength(Action::would_block) && !safe_search)
      return make(Action::would_block, top);
    if (safe_search)
      return {Action::safe_search, kNoCategory, policy_.safe_search_rule,
              t_.reasons[policy_.safe_search_reason]};
    if (host_exception || sni_exception) {
      const Candidate& lifted = host_exception ? on_host : on_sni;
      const RuleId rule = host_exception ? *host_exception : *sni_exception;
      return {
          Action::allow, lifted.category, rule,
          t_.reasons[rule == t_.teacher_override_rule ? kReasonTeacherOverride : kReasonException]};
    }
    const Candidate& allowed = on_host.rank >= on_sni.rank ? on_host : on_sni;
    return make(Action::allow, allowed);
  }

  Decision make(Action action, const Candidate& c) const noexcept {
    return {action, c.category, c.rule, t_.reasons[c.reason]};
  }

  const Compiled& t_;
  const RequestFacts& f_;
  GroupId group_;
  const GroupPolicy& policy_;
};

}  // namespace

Decision decide(const RuleSet& rules, const RequestFacts& facts) {
  return Evaluator(rules.tables(), facts).run();
}

}  // namespace edugate::rules
