#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "reporting/aggregator.hpp"
#include "reporting/settings.hpp"
#include "reporting/store.hpp"

namespace edugate::reporting {

/// Counters for /metrics, declared once here. Values are totals since start.
struct FlushMetrics {
  std::uint64_t flushes_ok = 0;
  std::uint64_t flushes_failed = 0;
  std::uint64_t rows_written = 0;
  std::uint64_t rows_dropped = 0;  ///< counts lost because the store refused them too long
  std::uint64_t pending_rows = 0;  ///< rows waiting for the store to accept them again
  std::uint64_t consecutive_failures = 0;
  std::uint64_t sketches = 0;  ///< distinct-device sketches held in RAM
  int last_error_code = 0;     ///< SQLite extended result code; 0 after a success
  std::string last_error;      ///< empty after a success
};

/// What one flush did. `error` is set when the store refused the batch: the proxy keeps
/// filtering, logs it (rate-limited, see LogThrottle) and the rows stay pending for the next try.
struct FlushOutcome {
  std::size_t rows_written = 0;
  std::optional<StoreError> error;
  bool ok() const noexcept { return !error; }
};

/// Moves what the Recorders counted into the Store every flush interval. The store is opened
/// lazily and reopened after a failure, so a store that is missing, read-only or full at start
/// does not stop the proxy; the batch it refused is retried (up to max_pending_rows, oldest hours
/// dropped first).
///
/// Threading: flush() from one thread (the main thread); metrics() from any thread.
class Flusher {
 public:
  struct Options {
    StoreOptions store;
    int retention_weeks = 8;
    std::size_t max_pending_rows = 1'000'000;
  };

  Flusher(Aggregator& aggregator, Options options);
  /// The options the `reporting:` settings ask for.
  static Options options_from(const ReportingSettings& settings);

  /// Collects every Recorder, writes one transaction, and once per local day rolls hourly rows
  /// older than retention_weeks into daily rows. `today` is the current local day (injected).
  FlushOutcome flush(LocalDay today);
  FlushMetrics metrics() const;
  /// The department bundle in force from now on: each flush records it for its day.
  void note_bundle(DepartmentBundle bundle) { bundle_ = std::move(bundle); }

 private:
  std::optional<StoreError> ensure_store();
  void trim_pending();
  void record(const FlushOutcome& outcome);

  Aggregator& aggregator_;
  Options options_;
  std::unique_ptr<Store> store_;
  FlushBatch pending_;
  std::optional<LocalDay> rolled_up_on_;
  std::optional<DepartmentBundle> bundle_;
  mutable std::mutex metrics_mutex_;
  FlushMetrics metrics_;
};

}  // namespace edugate::reporting
