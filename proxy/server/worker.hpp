#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "proxy/config.hpp"
#include "proxy/session/worker_context.hpp"

namespace edugate::proxy::server {

/// One worker thread: its own io_context (no locks inside), its own SO_REUSEPORT acceptor per
/// listener, its own upstream pool and buffers. Share-nothing, like nginx or Envoy workers.
class Worker {
 public:
  /// `recorder` and `keyring` may be null (no reporting). The recorder is adopted by this worker
  /// and must only be used from its thread after start().
  Worker(const Config& config, const policy::Services& services,
         std::atomic<std::uint32_t>& open_connections, SharedLimits& shared,
         reporting::Recorder* recorder, const reporting::DeviceKeyring* keyring);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  /// Binds an acceptor on `endpoint` with SO_REUSEPORT (call before start(), from the owning
  /// thread). Throws boost::system::system_error with the reason when the bind fails. Returns
  /// the bound endpoint (the chosen port when `endpoint` has port 0). `listener` says how its
  /// connections are served (mode, PROXY protocol).
  boost::asio::ip::tcp::endpoint listen(const boost::asio::ip::tcp::endpoint& endpoint,
                                        const ListenerConfig& listener);
  /// Starts the thread that runs the accept loops and sessions.
  void start();
  /// Thread-safe: stops accepting, lets in-flight requests finish (each answered with
  /// Connection: close), and closes keep-alive connections still idle after a short grace.
  void drain();
  /// Thread-safe: new requests use `rules` from now on; requests in flight finish on theirs.
  /// `labels` (the stable names of its ids) go to this worker's recorder at the same moment.
  void install_rules(std::shared_ptr<const rules::RuleSet> rules,
                     std::shared_ptr<const reporting::Labels> labels);
  /// Thread-safe: connections opened from now on are checked against `policy`.
  void install_destinations(std::shared_ptr<const net::DestinationPolicy> policy);
  /// Thread-safe: stops everything now and joins the thread.
  void stop();
  /// Thread-safe: client connections still open on this worker.
  std::int64_t open_sessions() const {
    return ctx_.metrics.active_connections.load(std::memory_order_relaxed);
  }
  const Metrics& metrics() const { return ctx_.metrics; }

 private:
  void schedule_sweep();

  // One thread runs it; other threads only post() to it: the reactor needs no locking.
  boost::asio::io_context io_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  WorkerContext ctx_;
  struct Listening {
    boost::asio::ip::tcp::acceptor acceptor;
    const ListenerConfig* listener;  ///< in the config, which outlives the workers
  };
  std::vector<Listening> acceptors_;
  boost::asio::steady_timer sweep_timer_;
  boost::asio::steady_timer idle_close_timer_;  ///< closes idle keep-alive connections, draining
  std::thread thread_;
};

}  // namespace edugate::proxy::server
