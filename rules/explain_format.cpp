#include <fmt/format.h>

#include "rules/explain.hpp"

namespace edugate::rules {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return out;
}

std::string where(const RuleInfo& r) {
  if (r.file.empty()) return "built-in";
  if (r.line == 0) return std::string(r.file);
  if (r.column == 0) return fmt::format("{}:{}", r.file, r.line);
  return fmt::format("{}:{}:{}", r.file, r.line, r.column);
}

std::string category_text(const RuleSet& rules, CategoryId c) {
  if (c == kNoCategory) return "-";
  const CategoryInfo& info = rules.category(c);
  return fmt::format("{} — {} / {}{}", info.id, info.label_vi, info.label_en,
                     info.mandatory ? " (mandatory)" : "");
}

std::string policy_text(const RuleSet& rules, const ExplainedMatch& m) {
  if (m.mandatory) {
    const CategoryInfo& info = rules.category(m.category);
    return fmt::format("mandatory category, set by the department at {}:{}", info.file, info.line);
  }
  if (m.policy_rule == kNoRule) return "not mentioned by the group's policy: allowed by default";
  const RuleInfo p = rules.rule(m.policy_rule);
  return fmt::format("{}{} ({})", p.text, m.scheduled ? " — schedule active now" : "", where(p));
}

void append_match(std::string& out, const RuleSet& rules, const ExplainedMatch& m) {
  const RuleInfo r = rules.rule(m.rule);
  out += fmt::format("  - {:<5} {}{}  {} '{}'  [{}]\n", to_string(m.action),
                     m.mandatory ? "[mandatory] " : "", rules.category(m.category).id,
                     to_string(r.kind), r.text, where(r));
  out += fmt::format("        matched on {}\n", m.matched_on);
  out += fmt::format("        policy: {}{}\n", policy_text(rules, m),
                     m.excepted ? "; lifted by the school exception" : "");
}

}  // namespace

std::string format_explanation(const RuleSet& rules, const RequestFacts& facts,
                               const Explanation& e) {
  const Decision& d = e.decision;
  const GroupInfo& g = rules.group(e.group);
  std::string out;
  out += fmt::format("decision:   {}\n", upper(to_string(d.action)));
  out += fmt::format("category:   {}\n", category_text(rules, d.category));
  if (d.rule != kNoRule) {
    const RuleInfo r = rules.rule(d.rule);
    out += fmt::format("rule:       {}  {} '{}'\n", where(r), to_string(r.kind), r.text);
  } else {
    out += "rule:       -\n";
  }
  out += fmt::format("reason:     {}\n", d.reason);
  out += fmt::format("group:      {} — {} / {} (age band {})\n", g.id, g.label_vi, g.label_en,
                     to_string(g.age));
  out +=
      fmt::format("time:       {} ({})\n", format_local_time(facts.at), rules.time_zone().name());
  out += fmt::format("rule set:   {}\n", rules.version());
  out += e.matches.empty() ? "\nmatches:    none\n" : "\nmatches, strongest first:\n";
  for (const auto& m : e.matches) append_match(out, rules, m);
  if (e.exception) {
    const RuleInfo x = rules.rule(*e.exception);
    out += fmt::format("\nexception:  {} '{}'  [{}]\n", to_string(x.kind), x.text, where(x));
  }
  for (const auto& note : e.notes) out += fmt::format("note:       {}\n", note);
  out += "\nprecedence: mandatory block > school exception > block > warn > allow\n";
  out += fmt::format("            {}\n", e.precedence);
  return out;
}

}  // namespace edugate::rules
