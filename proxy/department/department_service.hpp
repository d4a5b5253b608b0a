#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "proxy/department/dashboard_sessions.hpp"
#include "reporting/department/department_settings.hpp"
#include "reporting/department/department_store.hpp"
#include "reporting/department/store_pool.hpp"
#include "reporting/key_directory.hpp"
#include "reporting/log_throttle.hpp"
#include "reporting/token_bucket.hpp"

namespace boost::asio::ssl {
class context;
}

namespace edugate::proxy::department {

/// Counters for /metrics (read from any thread).
struct DepartmentCounters {
  std::atomic<std::uint64_t> created{0}, repeat{0}, revision{0}, malformed{0}, unknown_school{0},
      bad_signature{0}, too_large{0}, rate_limited{0}, busy{0}, database_errors{0},
      registry_failures{0};
};

/// `edugate department serve`: the HTTPS service schools push their signed weekly reports to,
/// and the department's read API. Network on the io_context's thread; JSON parsing, signature
/// checks and every database call on a pool of threads (one database connection each), so a
/// slow query never stalls the listener and no transaction waits on the network.
///
/// Routes: POST /api/v1/reports (no token: the school's signature is the credential),
/// GET /api/v1/completeness?week=YYYY-Www (Bearer token), GET /metrics, GET /healthz, and the
/// dashboard: GET /login, POST /login (an api_tokens token, for a session cookie), POST
/// /logout, GET /dashboard[?from=W&to=W], /dashboard/completeness[?week=W] and
/// /dashboard/bundles[?week=W]. The dashboard reads week rollups, rebuilt on a worker every
/// few seconds after reports arrive, and before a page when any are due. Schools whose registry
/// row has a pull_url are asked for the closed weeks they have not sent (pull.interval), each
/// answer checked exactly as a pushed report; a school that fails is tried again after a
/// jittered, doubling delay capped at six hours.
class DepartmentService {
 public:
  DepartmentService(boost::asio::io_context& io, reporting::department::DepartmentSettings s);
  ~DepartmentService();

  /// Migrates the database and imports the registry (blocking; before start()). Throws
  /// std::runtime_error saying what failed.
  void prepare();
  /// Re-reads the registry CSV into the database and the keys in memory. On any error the
  /// previous registry stays in force and `error` says why (the SIGHUP path).
  bool reload_registry(std::string* error);
  /// reload_registry() on a worker thread, never the network's (SIGHUP), logging the outcome.
  void reload_registry_in_background();
  /// Loads TLS, binds and starts accepting. Throws on failure.
  boost::asio::ip::tcp::endpoint start();
  void stop();

 private:
  struct Request;
  struct Response;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve_http(Stream& stream, const std::string& peer);
  /// A school's weekly report, pushed or pulled; a pull names the school and week it asked
  /// for (`expected`, "school_id\nweek"), and an answer for any other is refused unstored.
  boost::asio::awaitable<Response> post_report(std::string body, const std::string& peer,
                                               std::string expected = {});
  boost::asio::awaitable<Response> completeness(const Request& request);
  boost::asio::awaitable<Response> login(std::string body, const std::string& peer);
  Response logout(const Request& request);
  boost::asio::awaitable<Response> dashboard(const Request& request);
  boost::asio::awaitable<void> rollup_loop();
  boost::asio::awaitable<void> pull_loop();
  boost::asio::awaitable<void> pull_school(reporting::department::DepartmentStore::PullTarget t);
  Response metrics() const;
  /// Takes one report delivery from `peer`'s allowance (io thread).
  bool address_allows(const std::string& peer);
  std::shared_ptr<const reporting::KeyDirectory> keys() const;
  void import_registry_now();

  boost::asio::io_context& io_;
  reporting::department::DepartmentSettings settings_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  boost::asio::thread_pool workers_;
  reporting::department::StorePool pool_;
  mutable std::mutex keys_mutex_;
  std::shared_ptr<const reporting::KeyDirectory> keys_;
  DepartmentCounters counters_;
  std::atomic<long long> schools_registered_{0};
  // io thread only:
  std::size_t open_ = 0;
  std::uint64_t buffered_ = 0;  ///< bytes of report bodies being read or checked
  /// The most body bytes held at once: 64 reports of the largest size.
  std::uint64_t max_buffered() const { return 64 * settings_.max_report_bytes; }
  std::map<std::string, std::size_t> open_by_peer_;
  std::map<std::string, reporting::TokenBucket> school_buckets_;
  std::map<std::string, reporting::TokenBucket> address_buckets_;  ///< in memory only
  reporting::LogThrottle refusal_log_{std::chrono::seconds(10)};
  DashboardSessions sessions_;
  std::map<std::string, reporting::TokenBucket> login_buckets_;  ///< by address, in memory
  reporting::LogThrottle login_log_{std::chrono::seconds(10)};
  boost::asio::steady_timer rollup_timer_;
  /// Reports or the registry changed since the rollups were last rebuilt (any thread).
  std::atomic<bool> rollup_due_{true};
  std::atomic<std::uint64_t> rollup_failures_{0};
  // Pulls (io thread): when each school may be tried again after a failure.
  boost::asio::steady_timer pull_timer_;
  std::unique_ptr<boost::asio::ssl::context> pull_tls_;
  struct PullBackoff {
    unsigned attempts = 0;
    std::chrono::steady_clock::time_point next{};
  };
  std::map<std::string, PullBackoff> pull_backoff_;
  std::atomic<std::uint64_t> pulled_{0}, pull_failures_{0};
  reporting::LogThrottle pull_log_{std::chrono::seconds(10)};
};

}  // namespace edugate::proxy::department
