#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "reporting/device_sketches.hpp"
#include "reporting/flush_batch.hpp"
#include "reporting/label_registry.hpp"
#include "reporting/recorder.hpp"

namespace edugate::reporting {

/// Owns the per-worker Recorders and the in-RAM distinct-device sketches, and turns what the
/// workers counted into a FlushBatch of stable string keys.
///
/// Distinct devices: every (counter, device) pair a worker saw is added to the sketches of the
/// day cells the report publishes — (group, category, action), the margins over group and over
/// category, the action total, the per-group and whole-school request totals, and
/// (category, action, domain). Sketches live for the current and previous day only; the batch
/// carries their counts, never the device keys.
///
/// Threading: add_recorder() is thread-safe; collect() from one thread at a time (the main
/// thread), concurrently with the workers' counting.
class Aggregator {
 public:
  Aggregator() = default;
  Aggregator(const Aggregator&) = delete;
  Aggregator& operator=(const Aggregator&) = delete;

  /// A new Recorder for one worker thread; it lives as long as the Aggregator.
  Recorder& add_recorder();
  LabelRegistry& registry() noexcept { return registry_; }

  /// Drains every Recorder and returns the counts since the last collect(), the current device
  /// count of every day cell that changed, the rule-set versions seen and all labels. Sketches
  /// of days before `today - 1` are forgotten.
  FlushBatch collect(LocalDay today);

  /// Number of sketches held in RAM (for metrics).
  std::size_t sketch_count() const noexcept { return sketches_.size(); }

 private:
  void absorb(const Tally& tally, const LabelRegistry::Snapshot& names, FlushBatch& batch);

  LabelRegistry registry_;
  std::mutex recorders_mutex_;
  std::vector<std::unique_ptr<Recorder>> recorders_;
  DeviceSketches sketches_;
};

}  // namespace edugate::reporting
