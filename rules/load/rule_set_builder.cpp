#include "rules/load/rule_set_builder.hpp"

#include <fmt/format.h>

namespace edugate::rules::load {

namespace {

using compiled::StoredRule;

void add_fixed_reasons(BuildState& s) {
  s.out->reasons = {
      "no rule matched",
      "the category is allowed for this group",
      "allowed by a school exception",
      "safe search is enforced for this group",
      "blocked: the URL could not be checked against the URL regexes (RE2 ran out of memory; "
      "raise rules.regex_memory)",
      "blocked: the URL is too long to be checked against the URL regexes",
      "opened by a teacher for this group for one lesson (it ends by itself)",
  };
  s.out->category_reason_base = compiled::kReasonFixedCount;
}

/// Registers the categories (department first, then school, then the built-in `bare-ip`) and
/// their reason strings. Returns the spec index of each category id.
std::vector<const CategorySpec*> add_categories(BuildState& s, const RuleSpec& spec) {
  std::vector<const CategorySpec*> specs;
  auto& cats = s.out->categories;
  for (const auto& c : spec.categories) {
    const auto dup = std::find_if(cats.begin(), cats.end(), [&](auto& i) { return i.id == c.id; });
    if (dup != cats.end() || c.id == "bare-ip") {
      s.error(c.pos, c.id == "bare-ip" ? std::string("'bare-ip' is a built-in category")
                                       : fmt::format("category '{}' is already defined at {}:{}",
                                                     c.id, dup->file, dup->line));
      continue;
    }
    cats.push_back(
        {c.id, c.label_vi, c.label_en, c.mandatory, false, s.file(c.pos.source), c.pos.line});
    specs.push_back(&c);
  }
  s.out->bare_ip_category = static_cast<CategoryId>(cats.size());
  cats.push_back({"bare-ip", "Truy cập trực tiếp bằng địa chỉ IP", "Direct access by IP address",
                  false, true, "", 0});
  for (const auto& c : cats) {
    const std::string label = fmt::format("category '{}' ({} / {})", c.id, c.label_vi, c.label_en);
    s.add_reason(label + " is mandatory (Department of Education) and always blocked");
    s.add_reason(label + " is blocked for this group");
    s.add_reason(label + " needs a warning for this group");
    s.add_reason(label +
                 " is monitored for this group: it would be blocked, and is let through "
                 "and counted as would_block");
  }
  return specs;
}

RuleId builtin(BuildState& s, CategoryId category, std::string text) {
  return s.add_rule({RuleKind::builtin, category, kAllGroups, 0xffff, 0, 0, std::move(text)});
}

void add_builtin_rules(BuildState& s) {
  auto& t = *s.out;
  t.bare_ip_rule = builtin(s, t.bare_ip_category, "the host is an IP address, not a name");
  t.regex_failed_rule = builtin(s, kNoCategory, "URL regexes could not be evaluated");
  t.url_too_long_rule = builtin(s, kNoCategory, "URL too long to check against URL regexes");
  t.teacher_override_rule = builtin(s, kNoCategory, "a teacher's override for one lesson");
  s.builtin_bare_ip_policy =
      builtin(s, t.bare_ip_category, "default: pupil groups block bare-ip, staff allow it");
  s.builtin_safe_search = builtin(s, kNoCategory,
                                  "default: safe search on (YouTube strict for "
                                  "mam-non and tieu-hoc, moderate otherwise)");
}

void compile_regexes(BuildState& s, const std::vector<const CategorySpec*>& specs,
                     std::uint64_t budget) {
  for (const auto& [category, count] : s.regexes.categories()) {
    const CategoryInfo& info = s.out->categories[category];
    s.regexes.set_rule(category, s.add_rule({RuleKind::regex, category, kAllGroups, 0xffff, 0, 0,
                                             fmt::format("one of the {} URL regexes of category "
                                                         "'{}'",
                                                         count, info.id)}));
  }
  for (const auto& failure : s.regexes.build(budget, s.out->regexes)) {
    if (failure.category == kNoCategory) {
      s.error(Pos{}, fmt::format("all URL regexes together: {}", failure.message));
      continue;
    }
    s.error(
        specs[failure.category]->pos,
        fmt::format("category '{}': {}", s.out->categories[failure.category].id, failure.message));
  }
}

}  // namespace

std::unique_ptr<compiled::Compiled> build_rule_set(BuildState& s, const RuleSpec& spec,
                                                   const BuildInputs& inputs) {
  add_fixed_reasons(s);
  const auto specs = add_categories(s, spec);
  add_builtin_rules(s);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const FileProvider& files =
        specs[i]->layer == Layer::school ? inputs.school_files : inputs.department_files;
    load_category_entries(s, *specs[i], static_cast<CategoryId>(i), files, s.out->categories[i]);
  }
  compile_regexes(s, specs, inputs.regex_memory);
  s.out->domains = s.domains.freeze();
  s.out->url_prefixes = s.url_prefixes.freeze();
  s.out->keywords = s.keywords.freeze();
  compile_groups(s, spec);
  compile_exceptions(s, spec);
  s.out->exception_domains = s.exception_domains.freeze();
  s.out->exception_urls = s.exception_urls.freeze();
  s.out->zone = inputs.zone;
  if (s.failed()) return nullptr;
  return std::move(s.out);
}

}  // namespace edugate::rules::load
