#pragma once

// A worker's inspection state: its leaf cache, its two TLS contexts, its pool of verified
// origin connections and its list of hosts not to inspect. Lives on the worker thread.

#include <boost/asio/ssl/context.hpp>

#include "proxy/config.hpp"
#include "proxy/inspect/fallback_hosts.hpp"
#include "proxy/inspect/leaf_cache.hpp"
#include "proxy/inspect/tls_upstream.hpp"
#include "proxy/session/inspector_fwd.hpp"

namespace edugate::proxy::inspect {

class Inspector {
 public:
  Inspector(const Config& config, SchoolCa ca, boost::asio::io_context& io, Metrics& metrics,
            boost::asio::ssl::context client_facing, boost::asio::ssl::context upstream);

  LeafCache& leaves() noexcept { return leaves_; }
  FallbackHosts& fallback() noexcept { return fallback_; }
  TlsUpstreamPool& pool() noexcept { return pool_; }
  boost::asio::ssl::context& client_facing() noexcept { return client_facing_; }
  boost::asio::ssl::context& upstream() noexcept { return upstream_; }

 private:
  boost::asio::ssl::context client_facing_;
  boost::asio::ssl::context upstream_;
  LeafCache leaves_;
  FallbackHosts fallback_;
  TlsUpstreamPool pool_;
};

}  // namespace edugate::proxy::inspect
