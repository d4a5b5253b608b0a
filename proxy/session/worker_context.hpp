#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <string>
#include <unordered_map>

#include "proxy/config.hpp"
#include "proxy/metrics.hpp"
#include "proxy/net/buffer_pool.hpp"
#include "proxy/net/client_slots.hpp"
#include "proxy/net/destination_policy.hpp"
#include "proxy/net/local_addresses.hpp"
#include "proxy/net/pipe_pool.hpp"
#include "proxy/net/upstream_pool.hpp"
#include "proxy/policy/services.hpp"
#include "proxy/session/inspector_fwd.hpp"
#include "proxy/session/shared_limits.hpp"
#include "reporting/device_keyring.hpp"
#include "reporting/recorder.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// What a session may be asked to do from outside its coroutine: the worker cancels the
/// sessions that are idle between requests when it starts draining.
struct SessionHandle {
  boost::asio::ip::tcp::socket* socket = nullptr;
  bool idle = true;  ///< waiting for the next request; safe to cancel
};

/// Everything a session on one worker needs. Lives on the worker's thread; sessions never share
/// it with another thread (except `metrics`, read by the admin listener, and
/// `open_connections`, `client_slots` and `report_guard`, shared by all workers).
struct WorkerContext {
  WorkerContext(const Config& c, const policy::Services& svc, boost::asio::io_context& io_ctx,
                std::atomic<std::uint32_t>& open, SharedLimits& shared)
      : config(c),
        services(svc),
        io(io_ctx),
        resolver(io_ctx),
        pool(c.limits.max_idle_upstream_per_host, c.limits.max_idle_upstream,
             c.timeouts.upstream_idle, &metrics.upstream_stray_bytes),
        buffers(c.limits.relay_buffer, 64),
        destinations(std::make_shared<const net::DestinationPolicy>(
            c.destinations, net::local_addresses(), std::vector<net::OwnListener>{})),
        open_connections(open),
        client_slots(shared.client_slots),
        report_guard(shared.reports),
        inspector(inspect::make_inspector(c, svc.clock->now(), io_ctx, metrics)) {}

  const Config& config;
  const policy::Services& services;
  boost::asio::io_context& io;
  /// This worker's rule-set snapshot (null: no rules configured, nothing is filtered). Replaced
  /// on this thread when a reload is posted; a request keeps the snapshot it started with.
  std::shared_ptr<const rules::RuleSet> rules;
  /// This worker's copy of the teachers' overrides, resolved for its rule set.
  policy::OverrideCache overrides;
  /// This worker's counter shard (null when reporting is off) and the device-key source.
  reporting::Recorder* recorder = nullptr;
  const reporting::DeviceKeyring* keyring = nullptr;
  boost::asio::ip::tcp::resolver resolver;
  Metrics metrics;
  net::UpstreamPool pool;
  net::BufferPool buffers;
  /// Where this worker may connect for pupils (never null). Replaced on this thread when the
  /// server posts a new one (its listeners once bound, the appliance's addresses when they
  /// change); a connect in progress keeps the one it started with.
  std::shared_ptr<const net::DestinationPolicy> destinations;
  net::PipePool pipes{64};  ///< for splice(2) in tunnels; lent per chunk
  std::atomic<std::uint32_t>& open_connections;
  /// Open connections per client address, shared by all workers (max_connections_per_client).
  net::ClientSlots& client_slots;
  /// The report form's anti-forgery key and per-device daily caps, shared by all workers.
  policy::ReportGuard& report_guard;
  std::list<SessionHandle> sessions;
  /// Transparent mode's host verification: "name|address bytes" → does the name resolve there,
  /// until when (net::name_resolves_to). Names and server addresses only.
  struct HostCheck {
    std::chrono::steady_clock::time_point until;
    bool matches = false;
  };
  std::unordered_map<std::string, HostCheck> host_checks;
  bool draining = false;
  /// HTTPS inspection state of this worker (proxy/inspect); null when the config has no
  /// `inspection:` section. Declared last: it is built from `metrics` and the config.
  inspect::InspectorPtr inspector;
};

}  // namespace edugate::proxy::server
