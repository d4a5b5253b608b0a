#pragma once

// Verified TLS connections to origins for inspected sessions, and the per-worker pool that keeps
// them alive between requests. Included only by inspection .cpp files (Beast, Asio SSL).

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "proxy/http/error_response.hpp"

namespace edugate::proxy::server {
struct WorkerContext;
}

namespace edugate::proxy::inspect {

using UpstreamTls = boost::beast::ssl_stream<boost::beast::tcp_stream>;

/// One verified TLS connection to an origin (the shape the HTTP exchange expects).
struct TlsUpstream {
  TlsUpstream(boost::beast::tcp_stream s, boost::asio::ssl::context& ctx, std::string k)
      : stream(std::move(s), ctx), key(std::move(k)) {}
  UpstreamTls stream;
  boost::beast::flat_buffer buffer;
  std::string key;      ///< "connect-host:port verify-name"; the pool's key
  bool reused = false;  ///< taken from the pool
  std::chrono::steady_clock::time_point idle_since{};
};

/// Where an inspected tunnel's requests go: connect to `connect_host` (a safe-search endpoint
/// replaces the name the pupil asked for) and require a certificate valid for `verify_name`.
struct TlsDestination {
  std::string connect_host;
  std::uint16_t port = 443;
  std::string verify_name;
  std::string key() const;
};

struct TlsConnectResult {
  std::unique_ptr<TlsUpstream> connection;  ///< null on failure
  http::ProxyError error = http::ProxyError::connect_failed;
  long verify_error = 0;  ///< X509_V_OK, or why the origin's certificate was refused
};

/// Opens a TCP connection (upstream_overrides, DNS, deadlines as for plain HTTP) and completes a
/// verified TLS handshake with it within timeouts.upstream_connect. A certificate that fails
/// verification (expired, wrong name, untrusted) gives verify_error != X509_V_OK; there is no
/// way around it. Counts outcomes in the worker's metrics. Never throws.
boost::asio::awaitable<TlsConnectResult> connect_tls(server::WorkerContext& w,
                                                     boost::asio::ssl::context& ctx,
                                                     const TlsDestination& to);

/// Idle verified connections, per worker (not thread-safe). Bounded per key and in total;
/// connections idle longer than the timeout are dropped when next looked at.
class TlsUpstreamPool {
 public:
  TlsUpstreamPool(std::size_t per_key, std::size_t total, std::chrono::milliseconds idle_timeout)
      : per_key_(per_key), total_(total), idle_timeout_(idle_timeout) {}

  /// An idle connection for `key` that has not idled out and, with `check_alive`, has no unread
  /// bytes and was not closed by the origin; marked `reused`. nullptr when there is none.
  std::unique_ptr<TlsUpstream> take(std::string_view key, std::chrono::steady_clock::time_point now,
                                    bool check_alive);
  /// Keeps `conn` (whose last response was read completely) for reuse.
  void give_back(std::unique_ptr<TlsUpstream> conn, std::chrono::steady_clock::time_point now);
  std::size_t idle_count() const noexcept { return count_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  void sweep(std::chrono::steady_clock::time_point now);

  std::size_t per_key_;
  std::size_t total_;
  std::chrono::milliseconds idle_timeout_;
  std::size_t count_ = 0;
  std::chrono::steady_clock::time_point last_sweep_{};
  std::unordered_map<std::string, std::deque<std::unique_ptr<TlsUpstream>>, Hash, std::equal_to<>>
      idle_;
};

}  // namespace edugate::proxy::inspect
