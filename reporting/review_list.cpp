#include "reporting/review_list.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "rules/explain.hpp"

namespace edugate::reporting {

namespace {

void annotate(const rules::RuleSet& rules, ReviewItem& item) {
  std::tie(item.category_now, item.mandatory) = categories_now(rules, item.report.domain);
}

}  // namespace

std::pair<std::string, bool> categories_now(const rules::RuleSet& rules,
                                            const std::string& domain) {
  rules::RequestFacts facts;
  facts.group = rules::kDefaultGroup;
  facts.host = domain;
  facts.path = "/";
  std::vector<std::string> ids;
  bool mandatory = false;
  for (const auto& m : rules::explain(rules, facts).matches) {
    if (m.category == rules::kNoCategory) continue;
    const auto& c = rules.category(m.category);
    if (std::find(ids.begin(), ids.end(), c.id) != ids.end()) continue;
    ids.push_back(c.id);
    mandatory = mandatory || c.mandatory;
  }
  std::string text;
  for (const auto& id : ids) text += (text.empty() ? "" : ", ") + id;
  return {text, mandatory};
}

std::vector<ReviewItem> review_list(const StoreExtract& data, DayRange period,
                                    const rules::RuleSet* rules, const rules::ReviewFile& file,
                                    bool with_decided, std::size_t max_items) {
  std::vector<ReviewItem> out;
  for (auto& report : site_reports(data, period)) {
    if (out.size() == max_items) break;
    ReviewItem item{std::move(report), {}, false, std::nullopt};
    if (const auto* d = file.find(item.report.domain)) {
      item.decision = *d;
      // Decided (blocked, allowed or dismissed): off the list until it is reported after the
      // day of the decision.
      const auto on = parse_date(d->on);
      if (!with_decided && (!on || item.report.last_day <= *on)) continue;
    }
    if (rules) annotate(*rules, item);
    out.push_back(std::move(item));
  }
  return out;
}

std::set<std::string> confirmed_domains(const rules::ReviewFile& file) {
  std::set<std::string> out;
  for (const auto& d : file.decisions)
    if (d.kind != rules::ReviewDecision::Kind::dismiss) out.insert(d.domain);
  return out;
}

std::map<std::string, LocalDay> dismissed_domains(const rules::ReviewFile& file) {
  std::map<std::string, LocalDay> out;
  for (const auto& d : file.decisions)
    if (d.kind == rules::ReviewDecision::Kind::dismiss)
      out[d.domain] = parse_date(d.on).value_or(std::numeric_limits<LocalDay>::max());
  return out;
}

}  // namespace edugate::reporting
