#pragma once

// The per-worker source of leaf certificates: a bounded LRU of minted leaves, and at most one
// mint in flight per host (later sessions for the same host wait for it).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "proxy/inspect/lru_cache.hpp"
#include "proxy/inspect/school_ca.hpp"
#include "proxy/metrics.hpp"

namespace edugate::proxy::inspect {

class LeafCache {
 public:
  using SystemClock = std::chrono::system_clock;

  /// Takes the worker's own copy of the CA and of the leaf key (one P-256 key pair shared by
  /// every leaf this worker mints: the expensive key generation happens once, at start).
  /// Mints run on `executor` (the worker's), counted in `metrics`. Not thread-safe: one per
  /// worker thread.
  LeafCache(SchoolCa ca, EvpPkeyPtr leaf_key, std::size_t capacity,
            boost::asio::any_io_executor executor, Metrics& metrics);
  ~LeafCache();
  LeafCache(const LeafCache&) = delete;
  LeafCache& operator=(const LeafCache&) = delete;

  /// The leaf for `host` (normalised name or IP literal) valid at `now`: from the cache when a
  /// fresh one is there (more than a day of validity left), else minted. A session asking for a
  /// host whose mint is already under way waits for that mint instead of minting again. Before
  /// minting, the coroutine yields once so that the worker's queued handlers run first. Returns
  /// a new reference; nullptr if minting failed.
  boost::asio::awaitable<X509Ptr> leaf_for(std::string host, SystemClock::time_point now);

  /// The private key of every leaf of this worker.
  EVP_PKEY* leaf_key() const noexcept { return leaf_key_.get(); }
  X509* ca_cert() const noexcept { return ca_.cert.get(); }
  std::size_t cached() const noexcept { return cache_.size(); }

 private:
  struct Cached {
    X509Ptr cert;
    SystemClock::time_point minted;
  };
  struct Pending;

  X509Ptr mint(std::string_view host, SystemClock::time_point now);

  SchoolCa ca_;
  EvpPkeyPtr leaf_key_;
  boost::asio::any_io_executor executor_;
  Metrics& metrics_;
  LruCache<Cached> cache_;
  std::unordered_map<std::string, std::shared_ptr<Pending>> pending_;
};

}  // namespace edugate::proxy::inspect
