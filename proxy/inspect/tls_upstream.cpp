#include "proxy/inspect/tls_upstream.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proxy/inspect/tls_contexts.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/upstream/upstream_connect.hpp"

namespace edugate::proxy::inspect {

namespace asio = boost::asio;

std::string TlsDestination::key() const {
  return fmt::format("{}:{} {}", connect_host, port, verify_name);
}

asio::awaitable<TlsConnectResult> connect_tls(server::WorkerContext& w, asio::ssl::context& ctx,
                                              const TlsDestination& to) {
  TlsConnectResult out;
  auto tcp = co_await net::connect_upstream(w, to.connect_host, to.port);
  if (!tcp.connection) {
    out.error = tcp.error;
    co_return out;
  }
  auto conn = std::make_unique<TlsUpstream>(std::move(tcp.connection->stream), ctx, to.key());
  SSL* ssl = conn->stream.native_handle();
  if (!expect_peer(ssl, to.verify_name)) {
    out.error = http::ProxyError::bad_upstream;
    co_return out;
  }
  auto& lowest = boost::beast::get_lowest_layer(conn->stream);
  lowest.expires_after(w.config.timeouts.upstream_connect);
  auto [ec] = co_await conn->stream.async_handshake(asio::ssl::stream_base::client,
                                                    asio::as_tuple(asio::use_awaitable));
  lowest.expires_never();
  if (ec) {
    out.verify_error = SSL_get_verify_result(ssl);
    if (out.verify_error != X509_V_OK) {
      bump(w.metrics.inspect_upstream_cert_errors);
    } else {
      bump(w.metrics.inspect_upstream_tls_errors);
    }
    out.error = ec == boost::beast::error::timeout ? http::ProxyError::connect_timeout
                                                   : http::ProxyError::bad_upstream;
    co_return out;
  }
  out.connection = std::move(conn);
  co_return out;
}

}  // namespace edugate::proxy::inspect
