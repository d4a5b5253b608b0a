#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "proxy/admin/admin_server.hpp"
#include "proxy/admin/report_api.hpp"
#include "proxy/config.hpp"
#include "proxy/policy/services.hpp"
#include "proxy/push/report_pusher.hpp"
#include "proxy/reload/reloader.hpp"
#include "proxy/reload/rules_source.hpp"
#include "proxy/server/reporting_hub.hpp"
#include "proxy/server/worker.hpp"
#include "proxy/session/shared_limits.hpp"
#include "proxy/update/updater.hpp"

namespace edugate::proxy::server {

/// The whole appliance process: worker threads for the data plane, and the main thread for
/// signals, the admin listener and (later) reloads and flushes.
class Server {
 public:
  /// `rules` is the rule set loaded at start (its `rules` may be null when the config has no
  /// rules section: then nothing is filtered).
  /// `reporting` may be null (counting off).
  Server(Config config, std::unique_ptr<policy::Services> services, RulesLoad rules,
         std::unique_ptr<ReportingHub> reporting);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds every listener on every worker (SO_REUSEPORT; a port 0 is chosen once and shared)
  /// and the admin listener. Throws std::runtime_error naming the address that failed.
  void bind();
  /// Starts the workers, announces readiness (stderr line + sd_notify READY=1) and runs until
  /// SIGTERM/SIGINT: then stops accepting, lets in-flight requests finish for up to
  /// timeouts.drain, and returns the process exit code. A second signal stops at once.
  int run();

  const std::vector<boost::asio::ip::tcp::endpoint>& proxy_endpoints() const { return endpoints_; }

 private:
  void begin_drain();
  /// Builds the destination policy from the config, the appliance's current addresses and the
  /// bound listeners, and hands it to every worker when it differs from the one in force.
  void refresh_destinations();
  void schedule_address_check();
  void install_rules(std::shared_ptr<const rules::RuleSet> rules);
  /// A reload or a bundle update that succeeded: its rules, and where the department's came from.
  void install_load(RulesLoad&& load);
  /// Tells the reporting hub which department bundle is in force now.
  void note_bundle();
  void make_pusher();
  /// "version 7 (fetched, verified)" and the problem to show, for the status page.
  std::pair<std::string, std::string> department_facts() const;
  void finish();
  void watch_drain();
  std::string render_metrics() const;
  std::int32_t today() const;

  Config config_;
  std::unique_ptr<policy::Services> services_;
  boost::asio::io_context main_io_{1};
  // After main_io_: its flush timer lives on main_io_ and must go first (members are destroyed
  // in reverse order). Before workers_: they hold its recorders.
  std::unique_ptr<ReportingHub> reporting_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  boost::asio::steady_timer address_timer_;
  std::vector<rules::IpBytes> local_addresses_;
  bool destinations_installed_ = false;
  std::chrono::steady_clock::time_point drain_deadline_{};
  std::atomic<std::uint32_t> open_connections_{0};
  SharedLimits shared_;
  std::vector<std::unique_ptr<Worker>> workers_;
  AdminServer admin_;
  std::shared_ptr<const rules::RuleSet> rules_;
  bool rules_configured_ = false;
  std::unique_ptr<Reloader> reloader_;
  std::unique_ptr<update::Updater> updater_;
  std::unique_ptr<push::ReportPusher>
      pusher_;  ///< reporting.push  ///< rules.update; after reloader_, which it uses
  std::optional<rules::update::AcceptedBundle> bundle_;  ///< the fetched bundle in force
  std::string department_source_;                        ///< RulesLoad::department_source
  std::string review_file_;                              ///< RulesLoad::review_file
  std::unique_ptr<ReportApi> report_api_;
  std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
  std::optional<boost::asio::ip::tcp::endpoint> admin_endpoint_;
  bool draining_ = false;
  /// notAfter (Unix time) of the certificates edugate uses, by label: "inspection_ca",
  /// "admin_tls". Read once at start (neither is reloaded).
  std::vector<std::pair<std::string, std::int64_t>> certificate_expiry_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace edugate::proxy::server
