#include "rules/compiled/name_rules.hpp"

namespace edugate::rules::compiled {

void NameRulesBuilder::add(std::string_view name, RuleId rule) {
  bool inserted = false;
  const std::uint32_t index = names_.intern(name, inserted);
  if (inserted) rules_.emplace_back();
  rules_[index].push_back(rule);
}

NameRules NameRulesBuilder::freeze() {
  NameRules out;
  std::vector<NamePayload> payloads;
  payloads.reserve(rules_.size());
  for (const auto& list : rules_) {
    payloads.push_back(
        {static_cast<std::uint32_t>(out.rules_.size()), static_cast<std::uint32_t>(list.size())});
    out.rules_.insert(out.rules_.end(), list.begin(), list.end());
  }
  rules_.clear();
  out.names_ = names_.freeze(payloads);
  return out;
}

}  // namespace edugate::rules::compiled
