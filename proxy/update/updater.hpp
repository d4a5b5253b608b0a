#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "proxy/reload/reloader.hpp"
#include "proxy/reload/rules_source.hpp"
#include "rules/settings.hpp"
#include "rules/update/trusted_state.hpp"

namespace edugate::proxy::update {

using server::DepartmentOverride;
using server::RulesLoad;

struct Candidate;  // bundle_staging.hpp

/// How the department bundle updates stand, for /metrics, the status page, the log and
/// `edugate rules status` (which reads it back from <state>/status.json).
struct UpdateStatus {
  std::int64_t last_check = 0;    ///< Unix seconds of the last attempt's end; 0: none yet
  std::int64_t last_success = 0;  ///< of the last attempt that found the site in order
  std::string last_error;         ///< why the last attempt failed; empty if it did not
  std::uint64_t consecutive_failures = 0;
  std::int64_t failing_since = 0;  ///< start of the current run of failures; 0 when none
  std::uint64_t failures_total = 0;
  bool metadata_expired = false;  ///< the last current.json seen had expired (a freeze)
};

/// Reads <state_dir>/status.json (nullopt if absent or unreadable).
std::optional<UpdateStatus> read_update_status(const std::string& state_dir);

/// Whether the bundle in force is stale at `now`: its metadata, or the last metadata the site
/// served, has expired, or updates have failed for longer than `stale_after`. The one rule for
/// /metrics, the status page, the log and `edugate rules status`.
bool is_stale(const std::optional<rules::update::AcceptedBundle>& active, const UpdateStatus& s,
              std::chrono::milliseconds stale_after, std::int64_t now);

/// The appliance side of rules.update: polls the department's published site on the main
/// thread's io_context (never a worker's), checks current.json against the trusted state
/// (signature by a trusted key, version ratchet, expiry), downloads the archive (size cap, hash,
/// one deadline for the whole fetch), and hands the rest to the Reloader's loader thread:
/// unpack into the state directory, compile with the loader `run` uses, self-test, commit
/// state.json atomically, install exactly as a SIGHUP reload does. Anything that fails keeps the
/// bundle in force; failures back off exponentially up to the interval. Main-thread object.
class Updater {
 public:
  using Install = std::function<void(RulesLoad&&)>;
  using Serving = std::function<std::shared_ptr<const rules::RuleSet>()>;

  Updater(boost::asio::io_context& main, std::string config_path, rules::UpdateSettings settings,
          server::Reloader& reloader, Install install, Serving serving);
  ~Updater();
  Updater(const Updater&) = delete;
  Updater& operator=(const Updater&) = delete;

  /// Removes what an interrupted update left in the state directory and checks at once.
  void start();
  void stop();

  const UpdateStatus& status() const { return status_; }
  bool stale(std::int64_t now) const {
    return is_stale(state_.active, status_, settings_.stale_after, now);
  }
  const std::optional<rules::update::AcceptedBundle>& active() const { return state_.active; }
  const rules::UpdateSettings& settings() const { return settings_; }
  /// Prometheus text: edugate_rules_bundle_version, _age_seconds, _stale,
  /// _expiry_timestamp_seconds, edugate_rules_update_failures_total, ..._last_success_...
  std::string metrics(std::int64_t now) const;

 private:
  boost::asio::awaitable<void> check();
  void schedule(std::chrono::milliseconds delay);
  /// Hands a candidate to the Reloader's loader thread; the outcome comes back on main.
  void submit(std::shared_ptr<Candidate> candidate);
  void succeeded(std::string note);
  void failed(std::string why, bool expired = false);
  void finish_attempt();
  void write_status() const;

  boost::asio::io_context& main_;
  std::string config_path_;
  rules::UpdateSettings settings_;
  server::Reloader& reloader_;
  Install install_;
  Serving serving_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  std::string setup_error_;  ///< the pinned key or the trust store failed to load
  std::string pinned_raw_;   ///< raw 32 bytes of rules.update.pubkey
  rules::update::TrustedState state_;
  UpdateStatus status_;
  bool logged_stale_ = false;  ///< the log has said "STALE" and not yet "current again"
  bool busy_ = false;
  bool stopped_ = false;
};

}  // namespace edugate::proxy::update
