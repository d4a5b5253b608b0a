#include "reporting/flusher.hpp"

#include <utility>

namespace edugate::reporting {

Flusher::Flusher(Aggregator& aggregator, Options options)
    : aggregator_(aggregator), options_(std::move(options)) {}

Flusher::Options Flusher::options_from(const ReportingSettings& settings) {
  Options o;
  o.store.path = settings.store;
  o.store.max_bytes = settings.max_store_size;
  o.retention_weeks = settings.retention_weeks;
  return o;
}

std::optional<StoreError> Flusher::ensure_store() {
  if (store_) return std::nullopt;
  StoreError error;
  store_ = Store::open(options_.store, &error);
  if (!store_) return error;
  return std::nullopt;
}

FlushOutcome Flusher::flush(LocalDay today) {
  pending_.absorb(aggregator_.collect(today));
  if (bundle_) pending_.bundles.emplace(today, *bundle_);
  FlushOutcome outcome;
  outcome.error = ensure_store();
  if (!outcome.error) outcome.error = store_->write(pending_);
  if (!outcome.error) {
    outcome.rows_written = pending_.rows();
    pending_ = FlushBatch{};
    if (rolled_up_on_ != today) {
      const LocalDay cutoff = today - 7 * options_.retention_weeks;
      outcome.error = store_->roll_up(HourBucket{cutoff, 0}.index());
      if (!outcome.error) rolled_up_on_ = today;
    }
  }
  if (outcome.error) {
    store_.reset();  // reopen next time: the file may have been replaced or remounted
    trim_pending();
  }
  record(outcome);
  return outcome;
}

void Flusher::trim_pending() {
  std::uint64_t dropped = 0;
  while (pending_.rows() > options_.max_pending_rows && !pending_.counts.empty()) {
    pending_.counts.erase(pending_.counts.begin());  // the oldest hour goes first
    ++dropped;
  }
  std::lock_guard lock(metrics_mutex_);
  metrics_.rows_dropped += dropped;
}

void Flusher::record(const FlushOutcome& outcome) {
  std::lock_guard lock(metrics_mutex_);
  metrics_.pending_rows = pending_.rows();
  metrics_.sketches = aggregator_.sketch_count();
  if (outcome.ok()) {
    ++metrics_.flushes_ok;
    metrics_.rows_written += outcome.rows_written;
    metrics_.consecutive_failures = 0;
    metrics_.last_error_code = 0;
    metrics_.last_error.clear();
    return;
  }
  ++metrics_.flushes_failed;
  ++metrics_.consecutive_failures;
  metrics_.last_error_code = outcome.error->code;
  metrics_.last_error = outcome.error->message;
}

FlushMetrics Flusher::metrics() const {
  std::lock_guard lock(metrics_mutex_);
  return metrics_;
}

}  // namespace edugate::reporting
