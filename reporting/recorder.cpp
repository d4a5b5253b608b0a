#include "reporting/recorder.hpp"

#include <thread>

namespace edugate::reporting {

void Recorder::set_labels(const Labels& labels) {
  category_ids_.assign(labels.categories.size(), LabelRegistry::kUnknown);
  for (std::size_t i = 0; i < labels.categories.size(); ++i)
    category_ids_[i] = registry_.category(labels.categories[i]);
  group_ids_.assign(labels.groups.size(), LabelRegistry::kUnknown);
  for (std::size_t i = 0; i < labels.groups.size(); ++i)
    group_ids_[i] = registry_.group(labels.groups[i]);
  version_id_ = registry_.version(labels.rule_set_version);
}

void Recorder::add(Tallied action, std::uint16_t category, rules::GroupId group, HourBucket hour,
                   std::string_view domain, DeviceKey device) {
  // Entering: the counter becomes odd and we learn which Tally is active (acquire pairs with the
  // flusher's reset of that Tally before it made it active again).
  const std::uint64_t word = word_.fetch_add(2, std::memory_order_acquire);
  Tally& tally = tallies_[word & 1u];
  CountKey key{hour.day, hour.hour, action, category, group_id(group), 0};
  if (!domain.empty()) key.domain = tally.domain_id(domain);
  tally.add(key, device_key_fits(device, hour.day) ? device : kNoDevice);
  tally.note_version(hour.day, version_id_);
  // Leaving: the counter becomes even; release publishes our writes to the flusher.
  word_.fetch_add(2, std::memory_order_release);
}

void Recorder::count(const rules::Decision& decision, rules::GroupId group, HourBucket hour,
                     std::string_view matched_domain, DeviceKey device) {
  const Tallied action = tallied(decision.action);
  const bool keep_domain =
      action == Tallied::block || action == Tallied::warn || action == Tallied::would_block;
  add(action, category_id(decision.category), group, hour, keep_domain ? matched_domain : "",
      device);
}

// A pupil's report is kept by the day, never the hour: with a timetable, the hour a report was
// sent could point to a class and a pupil.
void Recorder::count_review_request(rules::CategoryId category, rules::GroupId group,
                                    HourBucket hour, std::string_view domain, DeviceKey device) {
  add(Tallied::review_request, category_id(category), group, {hour.day, 0}, domain, device);
}

void Recorder::count_site_report(rules::GroupId group, HourBucket hour, std::string_view domain,
                                 DeviceKey device) {
  add(Tallied::site_report, LabelRegistry::kUnknown, group, {hour.day, 0}, domain, device);
}

Tally& Recorder::retire() {
  const std::uint64_t before = word_.fetch_xor(1, std::memory_order_acq_rel);
  const std::uint64_t counter = before >> 1;
  if (counter & 1u) {
    // The worker was inside add() on the retired Tally; any change of the counter means it left
    // (a later entry would already see the new index).
    while ((word_.load(std::memory_order_acquire) >> 1) == counter) std::this_thread::yield();
  }
  return tallies_[before & 1u];
}

}  // namespace edugate::reporting
