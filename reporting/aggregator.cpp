#include "reporting/aggregator.hpp"

#include <algorithm>
#include <array>

namespace edugate::reporting {

namespace {

constexpr std::uint16_t kAny = SketchKey::kAny;

/// The sketch cells one counter's devices belong to (see the class comment).
std::vector<SketchKey> projections(const CountKey& k, const std::string& domain) {
  const auto a = static_cast<std::uint16_t>(k.action);
  std::vector<SketchKey> keys{{k.day, k.group, k.category, a, "*"},
                              {k.day, kAny, k.category, a, "*"},
                              {k.day, k.group, kAny, a, "*"},
                              {k.day, kAny, kAny, a, "*"}};
  if (is_request(k.action)) {
    keys.push_back({k.day, k.group, kAny, kAny, "*"});
    keys.push_back({k.day, kAny, kAny, kAny, "*"});
  }
  if (!domain.empty()) keys.push_back({k.day, kAny, k.category, a, domain});
  return keys;
}

template <class Vec>
std::string name_of(const Vec& items, std::uint16_t id) {
  if (id == kAny) return std::string(kAll);
  return id < items.size() ? items[id].key : items[0].key;
}

DeviceCell device_cell(const SketchKey& k, const LabelRegistry::Snapshot& names) {
  const std::string action =
      k.action == kAny ? std::string(kAll) : std::string(to_string(static_cast<Tallied>(k.action)));
  return {k.day, name_of(names.groups, k.group), name_of(names.categories, k.category), action,
          k.domain};
}

}  // namespace

Recorder& Aggregator::add_recorder() {
  std::lock_guard lock(recorders_mutex_);
  recorders_.push_back(std::make_unique<Recorder>(registry_));
  return *recorders_.back();
}

void Aggregator::absorb(const Tally& tally, const LabelRegistry::Snapshot& names,
                        FlushBatch& batch) {
  const auto& entries = tally.entries();
  for (const auto& e : entries) {
    const auto& k = e.key;
    CountCell cell{HourBucket{k.day, k.hour}.index(), name_of(names.groups, k.group),
                   name_of(names.categories, k.category), std::string(to_string(k.action)),
                   k.domain ? tally.domain(k.domain) : std::string()};
    batch.counts[std::move(cell)] += e.requests;
  }
  // Resolve each counter's sketches once, then feed every device pair to them.
  std::vector<std::vector<DeviceSketches::Sketch*>> targets(entries.size());
  for (const auto& pair : tally.pairs()) {
    auto& t = targets[pair.entry];
    if (t.empty()) {
      const auto& k = entries[pair.entry].key;
      const std::string domain = k.domain ? tally.domain(k.domain) : std::string();
      for (const auto& key : projections(k, domain)) t.push_back(&sketches_.at(key));
    }
    for (auto* sketch : t) {
      sketch->devices.add(pair.device);
      sketch->touched = true;
    }
  }
  for (const auto& [day, version] : tally.versions())
    batch.versions.emplace(
        day, version < names.versions.size() ? names.versions[version] : names.versions[0]);
}

FlushBatch Aggregator::collect(LocalDay today) {
  FlushBatch batch;
  {
    std::lock_guard lock(recorders_mutex_);
    for (auto& r : recorders_)
      r->drain([&](const Tally& t) {
        // Taken after the Tally was retired, so it names every id the worker used in it.
        absorb(t, registry_.snapshot(), batch);
      });
  }
  const auto names = registry_.snapshot();
  sketches_.take_touched([&](const DeviceSketches::Sketch& s) {
    batch.devices[device_cell(s.key, names)] = s.devices.count();
  });
  sketches_.forget_before(today - 1);
  for (const auto& c : names.categories) batch.categories[c.key] = c;
  for (const auto& g : names.groups) batch.groups[g.key] = g;
  return batch;
}

}  // namespace edugate::reporting
