#include "proxy/policy/overrides.hpp"

#include <algorithm>

namespace edugate::proxy::policy {

void OverrideBoard::publish(std::vector<Override> next) {
  active_ = std::make_shared<const std::vector<Override>>(std::move(next));
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::optional<std::uint64_t> OverrideBoard::open(Override o, TimePoint now) {
  std::lock_guard lock(mutex_);
  std::vector<Override> next;
  for (const auto& a : *active_)
    if (a.until > now) next.push_back(a);
  if (next.size() >= kMaxActive) return std::nullopt;
  o.id = next_id_++;
  ++opened_[{o.group, o.category.empty() ? std::string("domain") : o.category}];
  next.push_back(std::move(o));
  const auto id = next.back().id;
  publish(std::move(next));
  return id;
}

bool OverrideBoard::close(std::uint64_t id) {
  std::lock_guard lock(mutex_);
  std::vector<Override> next = *active_;
  const auto before = next.size();
  std::erase_if(next, [&](const Override& o) { return o.id == id; });
  if (next.size() == before) return false;
  publish(std::move(next));
  return true;
}

std::shared_ptr<const std::vector<Override>> OverrideBoard::current(TimePoint now,
                                                                    std::uint64_t* version) {
  std::lock_guard lock(mutex_);
  if (std::any_of(active_->begin(), active_->end(),
                  [&](const Override& o) { return o.until <= now; })) {
    std::vector<Override> next;
    for (const auto& o : *active_)
      if (o.until > now) next.push_back(o);
    publish(std::move(next));
  }
  if (version) *version = version_.load(std::memory_order_relaxed);
  return active_;
}

std::map<std::pair<std::string, std::string>, std::uint64_t> OverrideBoard::opened() const {
  std::lock_guard lock(mutex_);
  return opened_;
}

void OverrideBoard::forget_old_wrong_codes(TimePoint now) {
  while (!wrong_.empty() && wrong_.front().first <= now - std::chrono::minutes(1))
    wrong_.pop_front();
}

bool OverrideBoard::may_try_code(std::uint64_t device, TimePoint now, bool code_is_right) {
  std::lock_guard lock(mutex_);
  forget_old_wrong_codes(now);
  if (!code_is_right && wrong_.size() >= static_cast<std::size_t>(kWrongCodesPerMinuteInAll))
    return false;
  const auto mine = std::count_if(wrong_.begin(), wrong_.end(),
                                  [&](const auto& w) { return w.second == device; });
  return mine < kWrongCodesPerMinute;
}

void OverrideBoard::wrong_code(std::uint64_t device, TimePoint now) {
  std::lock_guard lock(mutex_);
  forget_old_wrong_codes(now);
  if (wrong_.size() < static_cast<std::size_t>(kWrongCodesPerMinuteInAll) * 2)
    wrong_.emplace_back(now, device);
}

std::span<const rules::Grant> OverrideCache::grants(OverrideBoard* board,
                                                    const rules::RuleSet& rules, TimePoint now) {
  if (!board) return {};
  if (board->version() == version_ && &rules == rules_ && now < first_end_ &&
      rules.version() == rules_version_)
    return grants_;
  // The list and its version are read together: a change made between two reads would
  // otherwise be missed until the next change.
  overrides_ = board->current(now, &version_);
  rules_ = &rules;
  rules_version_ = rules.version();
  first_end_ = TimePoint::max();
  grants_.clear();
  for (const auto& o : *overrides_) {
    const auto group = rules.find_group(o.group);
    if (!group) continue;  // the group is gone from the rules
    rules::Grant g{*group, rules::kNoCategory, o.domain};
    if (!o.category.empty()) {
      const auto c = rules.find_category(o.category);
      if (!c || rules.category(*c).mandatory) continue;  // never a mandatory category
      g.category = *c;
    }
    grants_.push_back(g);
    first_end_ = std::min(first_end_, o.until);
  }
  return grants_;
}

}  // namespace edugate::proxy::policy
