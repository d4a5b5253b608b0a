#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>
#include <vector>

#include "reporting/device_keyring.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/label_registry.hpp"
#include "reporting/labels.hpp"
#include "reporting/tally.hpp"
#include "rules/decision.hpp"
#include "rules/ids.hpp"

namespace edugate::reporting {

/// Counts decisions for one worker thread. Never sees a client address: the caller passes a
/// DeviceKey from device_key(). Counting takes no lock: the Recorder owns two Tallies and an
/// atomic hand-over word; the worker writes into the active one, and Aggregator::flush() swaps
/// them and drains the retired one on the main thread. The worker never waits.
///
/// Threading: count*(), set_labels() only from the one worker thread that owns this Recorder;
/// drain() only from the flushing thread. Created by Aggregator::add_recorder().
class Recorder {
 public:
  explicit Recorder(LabelRegistry& registry) : registry_(registry) {}
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  /// Adopts a rule-set snapshot's names for its numeric ids. Call (on the worker thread) whenever
  /// the worker starts using a new rule-set snapshot, before counting its decisions. Allocates;
  /// takes the registry's mutex; rare.
  void set_labels(const Labels& labels);

  /// Counts one decision in `hour` for `group`. `matched_domain` is the domain of the rule that
  /// matched (any host name; reduced here to its registrable domain) and is kept only for block
  /// and warn. `device` may be kNoDevice; a key made for another day than `hour.day` counts no
  /// device. Lock-free; allocation-free once the interval's counters
  /// exist (a new block/warn domain in an interval allocates once).
  void count(const rules::Decision& decision, rules::GroupId group, HourBucket hour,
             std::string_view matched_domain, DeviceKey device);
  /// Counts a click on the block page's "ask for a review" button for a site of `category`.
  void count_review_request(rules::CategoryId category, rules::GroupId group, HourBucket hour,
                            std::string_view domain, DeviceKey device);
  /// Counts an anonymous "report this site" submission: domain and group only.
  void count_site_report(rules::GroupId group, HourBucket hour, std::string_view domain,
                         DeviceKey device);

  /// Retires the active Tally, waits (spinning, at most one count() long) until the worker is
  /// done with it, calls `consume(const Tally&)` and resets it. Flushing thread only.
  template <class Consume>
  void drain(Consume&& consume) {
    Tally& retired = retire();
    consume(static_cast<const Tally&>(retired));
    retired.reset();
  }

 private:
  void add(Tallied action, std::uint16_t category, rules::GroupId group, HourBucket hour,
           std::string_view domain, DeviceKey device);
  std::uint16_t category_id(rules::CategoryId id) const noexcept {
    return id < category_ids_.size() ? category_ids_[id] : LabelRegistry::kUnknown;
  }
  std::uint16_t group_id(rules::GroupId id) const noexcept {
    return id < group_ids_.size() ? group_ids_[id] : LabelRegistry::kUnknown;
  }
  Tally& retire();

  LabelRegistry& registry_;
  std::vector<std::uint16_t> category_ids_;  ///< rules::CategoryId → registry id
  std::vector<std::uint16_t> group_ids_;     ///< rules::GroupId → registry id
  std::uint16_t version_id_ = LabelRegistry::kUnknown;
  /// Bit 0: index of the active Tally. Bits 1..63: a counter the worker bumps before and after
  /// each count, so it is odd exactly while the worker is writing.
  alignas(64) std::atomic<std::uint64_t> word_{0};
  std::array<Tally, 2> tallies_;
};

}  // namespace edugate::reporting
