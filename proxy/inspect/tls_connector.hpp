#pragma once

// The Connector (see proxy/upstream/exchange.hpp) of inspected requests: verified TLS connections
// to the tunnel's one origin, pooled per worker. Included only by inspected_http.cpp.

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string_view>

#include "proxy/inspect/cert_error_page.hpp"
#include "proxy/inspect/inspector.hpp"
#include "proxy/inspect/stream_relay.hpp"
#include "proxy/inspect/tls_client.hpp"
#include "proxy/inspect/tls_upstream.hpp"
#include "proxy/upstream/exchange.hpp"

namespace edugate::proxy::inspect {

class TlsConnector {
 public:
  using Upstream = TlsUpstream;

  TlsConnector(server::WorkerContext& w, Inspector& inspector, const TlsDestination& to)
      : w_(w), inspector_(inspector), to_(to) {}

  /// The requested host is ignored: every request of a tunnel goes to its verified origin.
  boost::asio::awaitable<http::exchange::Acquired<Upstream>> acquire(std::string_view,
                                                                     std::uint16_t) {
    if (auto conn = inspector_.pool().take(key_, std::chrono::steady_clock::now())) {
      bump(w_.metrics.inspect_upstream_reused);
      co_return http::exchange::Acquired<Upstream>{std::move(conn), {}};
    }
    co_return co_await connect({}, 0);
  }

  boost::asio::awaitable<http::exchange::Acquired<Upstream>> connect(std::string_view,
                                                                     std::uint16_t) {
    auto r = co_await connect_tls(w_, inspector_.upstream(), to_);
    verify_error_ = r.verify_error;
    co_return http::exchange::Acquired<Upstream>{std::move(r.connection), r.error};
  }

  void give_back(std::unique_ptr<Upstream> conn) {
    inspector_.pool().give_back(std::move(conn), std::chrono::steady_clock::now());
  }

  /// The certificate error page when verification failed, else the usual error page.
  http::exchange::ErrorPage error_page(http::ProxyError e, std::string_view host, unsigned version,
                                       bool keep_alive) const {
    if (verify_error_ != 0)  // X509_V_OK
      return cert_error_response(w_.services, to_.verify_name, verify_error_, version, keep_alive);
    return http::make_error_response(e, host, version, keep_alive);
  }

  /// WebSocket inside the inspected connection: bytes both ways through the two TLS streams.
  boost::asio::awaitable<http::AfterExchange> relay_upgraded(TlsClient& client, Upstream& up) {
    auto down = w_.buffers.take();
    auto upb = w_.buffers.take();
    co_await relay_streams(client.stream, up.stream, upb.span(), down.span(),
                           w_.config.timeouts.tunnel_idle);
    co_return http::AfterExchange::close;
  }

 private:
  server::WorkerContext& w_;
  Inspector& inspector_;
  const TlsDestination& to_;
  std::string key_ = to_.key();
  long verify_error_ = 0;
};

}  // namespace edugate::proxy::inspect
