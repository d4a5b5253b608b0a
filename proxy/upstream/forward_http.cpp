#include "proxy/upstream/forward_http.hpp"

#include "proxy/net/byte_relay.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/upstream/exchange.hpp"
#include "proxy/upstream/upstream_connect.hpp"

namespace edugate::proxy::http {

namespace asio = boost::asio;

namespace {

/// Plain TCP upstreams: the worker's keep-alive pool, `upstream_overrides`, DNS.
class PlainConnector {
 public:
  using Upstream = net::UpstreamConnection;

  explicit PlainConnector(server::WorkerContext& w) : w_(w) {}

  asio::awaitable<exchange::Acquired<Upstream>> acquire(std::string_view host, std::uint16_t port) {
    auto r = co_await net::acquire_upstream(w_, host, port);
    co_return exchange::Acquired<Upstream>{std::move(r.connection), r.error};
  }
  asio::awaitable<exchange::Acquired<Upstream>> connect(std::string_view host, std::uint16_t port) {
    auto r = co_await net::connect_upstream(w_, host, port);
    co_return exchange::Acquired<Upstream>{std::move(r.connection), r.error};
  }
  void give_back(std::unique_ptr<Upstream> c) {
    w_.pool.give_back(std::move(c), std::chrono::steady_clock::now());
  }
  exchange::ErrorPage error_page(ProxyError e, std::string_view host, unsigned version,
                                 bool keep_alive) {
    return make_error_response(e, host, version, keep_alive);
  }
  /// WebSocket: a two-way byte relay (splice-free copy through two pooled buffers).
  asio::awaitable<AfterExchange> relay_upgraded(server::ClientConnection& client, Upstream& up) {
    auto down = w_.buffers.take();
    auto upb = w_.buffers.take();
    co_await net::relay_bytes(client.stream.socket(), up.stream.socket(), upb.span(), down.span(),
                              w_.config.timeouts.tunnel_idle);
    co_return AfterExchange::close;
  }

 private:
  server::WorkerContext& w_;
};

}  // namespace

asio::awaitable<AfterExchange> forward_http(server::WorkerContext& w,
                                            server::ClientConnection& client, RequestParser& parser,
                                            const ForwardTarget& target) {
  return exchange::forward_with(w, client, parser, target, PlainConnector(w));
}

}  // namespace edugate::proxy::http
