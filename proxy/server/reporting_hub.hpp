#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "proxy/config.hpp"
#include "reporting/aggregator.hpp"
#include "reporting/device_keyring.hpp"
#include "reporting/flusher.hpp"
#include "reporting/labels.hpp"
#include "reporting/log_throttle.hpp"
#include "reporting/settings.hpp"
#include "rules/diagnostic.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// The proxy's side of identity-free reporting: one Recorder per worker (lock-free counting on
/// the data plane), the daily-rotating device keyring, and the flusher that writes aggregates
/// to SQLite every flush_interval and at shutdown, on the main thread. The proxy never waits for
/// the store: a failing store (disk full, read-only) is logged at most once a minute and shown
/// in /metrics while filtering goes on.
class ReportingHub {
 public:
  using Today = std::function<reporting::LocalDay()>;

  /// Reads the `reporting:` section (defaults when absent). nullptr with diagnostics on errors.
  static std::unique_ptr<ReportingHub> create(const Config& config, rules::Diagnostics& diags);

  /// A Recorder for one worker thread (call before the workers start).
  reporting::Recorder& add_recorder() { return aggregator_.add_recorder(); }
  const reporting::DeviceKeyring& keyring() const { return keyring_; }
  const reporting::ReportingSettings& settings() const { return settings_; }

  /// Starts rotating device keys and flushing every flush_interval on `main`.
  void start(boost::asio::io_context& main, Today today);
  /// Final flush (shutdown); stops the timer.
  void stop_and_flush();
  /// Flushes now (main thread); false when the store refused the batch.
  bool flush_now() { return flush_once(); }
  /// The department bundle in force from now on; each flush records it for the day (reports
  /// say which bundles ran). Main thread.
  void note_bundle(reporting::DepartmentBundle bundle) { flusher_.note_bundle(std::move(bundle)); }
  /// The last flush's error, empty when it worked.
  std::string last_error() const { return flusher_.metrics().last_error; }
  /// Prometheus lines for the store: flushes, failures, pending rows, last error.
  std::string metrics() const;

  /// Stable names of a rule set's categories and groups (numeric ids change between versions).
  static std::shared_ptr<const reporting::Labels> labels_for(const rules::RuleSet& rules);

 private:
  explicit ReportingHub(reporting::ReportingSettings settings);
  void schedule();
  bool flush_once();

  reporting::ReportingSettings settings_;
  reporting::Aggregator aggregator_;
  reporting::DeviceKeyring keyring_;
  reporting::Flusher flusher_;
  reporting::LogThrottle error_log_{std::chrono::minutes(1)};
  std::optional<boost::asio::steady_timer> timer_;
  Today today_;
};

}  // namespace edugate::proxy::server
