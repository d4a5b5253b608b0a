#pragma once

// Verified TLS connections to origins for inspected sessions, and the per-worker pool that keeps
// them alive between requests. Included only by inspection .cpp files (Beast, Asio SSL).

#include <openssl/ssl.h>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "proxy/http/error_response.hpp"
#include "proxy/net/idle_pool.hpp"

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
  /// Bytes TLS has read that nobody asked for, decrypted or not (SSL_pending sees only a
  /// decrypted record's rest): such a connection is not reused.
  bool holds_unread_bytes() {
    SSL* ssl = stream.native_handle();
    return SSL_pending(ssl) != 0 || SSL_has_pending(ssl) != 0;
  }
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

/// Idle verified connections, per worker (see net::IdlePool).
using TlsUpstreamPool = net::IdlePool<TlsUpstream>;

}  // namespace edugate::proxy::inspect
