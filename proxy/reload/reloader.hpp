#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "proxy/reload/rules_source.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// Hot reload of the rule set: SIGHUP (or `systemctl reload`) and, optionally, polling the rule
/// files for changes. The new set is built on a background thread, off the data plane; when it
/// loads cleanly `install` receives it (on the main thread), otherwise the old set keeps serving
/// and every problem is logged as file:line:col. One load at a time; a request that arrives
/// meanwhile runs once the current load ends. Main-thread object (not thread-safe).
class Reloader {
 public:
  /// Receives a load that succeeded (its `rules` is set).
  using Install = std::function<void(RulesLoad&&)>;

  Reloader(boost::asio::io_context& main, std::string config_path, std::vector<std::string> watched,
           Install install);
  ~Reloader();

  void request(std::string reason);
  /// Runs `job` on the loader thread, never beside another load (a queued job goes before a
  /// pending reload), and hands its result to `done` on the main thread. The bundle updater
  /// (proxy/update) loads through here: a reload and an update never race to install, and a
  /// reload that starts after an update sees the update's state.
  using Job = std::function<RulesLoad()>;
  using Done = std::function<void(RulesLoad&&)>;
  void submit(Job job, Done done);
  /// Polls the watched files every `interval` and reloads when they change.
  void watch(std::chrono::milliseconds interval);
  void stop();

  std::uint64_t reloads() const { return reloads_; }
  std::uint64_t failures() const { return failures_; }
  bool last_ok() const { return last_ok_; }

 private:
  void start_load();
  void start_next();
  void finish_load(struct RulesLoad&& result);
  void poll();

  boost::asio::io_context& main_;
  std::string config_path_;
  std::vector<std::string> watched_;
  std::string fingerprint_;
  Install install_;
  boost::asio::steady_timer watch_timer_;
  std::chrono::milliseconds interval_{0};
  std::thread loader_;
  bool loading_ = false;
  bool pending_ = false;
  std::deque<std::pair<Job, Done>> jobs_;
  bool stopped_ = false;
  std::uint64_t reloads_ = 0;
  std::uint64_t failures_ = 0;
  bool last_ok_ = true;
};

}  // namespace edugate::proxy::server
