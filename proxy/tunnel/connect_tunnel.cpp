#include "proxy/tunnel/connect_tunnel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/write.hpp>

#include "proxy/http/error_response.hpp"
#include "proxy/session/client_connection.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/tunnel/client_hello_reader.hpp"
#include "proxy/tunnel/relay_tunnel.hpp"
#include "proxy/upstream/upstream_connect.hpp"

namespace edugate::proxy::tunnel {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

asio::awaitable<void> run_connect_tunnel(server::WorkerContext& w, server::ClientConnection& client,
                                         const ConnectTarget& target, unsigned version,
                                         const SniCheck& sni_allowed) {
  const auto& t = w.config.timeouts;
  auto connected = co_await net::connect_upstream(w, target.host, target.port);
  if (!connected.connection) {
    auto res = http::make_error_response(connected.error, target.host, version, false);
    client.stream.expires_after(t.body_idle);
    co_await bhttp::async_write(client.stream, res, kTuple);
    co_return;
  }
  auto& up = *connected.connection;
  static constexpr char kEstablished[] = "HTTP/1.1 200 Connection established\r\n\r\n";
  client.stream.expires_after(t.body_idle);
  if (auto [ec, n] = co_await asio::async_write(
          client.stream, asio::buffer(kEstablished, sizeof kEstablished - 1), kTuple);
      ec)
    co_return;

  auto hello = co_await read_client_hello(client, w.config.limits.max_client_hello, t.client_hello);
  count_client_hello(w.metrics, hello);
  // Gone, or no whole ClientHello within timeouts.client_hello: close. A tunnel that never says
  // hello would otherwise hold a connection (and the origin's) for tunnel_idle.
  if (hello.parse.status == tls::HelloStatus::need_more) co_return;
  // Bytes that start like TLS but are no ClientHello edugate can read (an SNI its parser
  // refuses and a server accepts, a hello padded past max_client_hello): its SNI cannot be
  // checked, so it is never relayed blind when rules decide. Not TLS at all still passes.
  if (sni_allowed && (hello.parse.status == tls::HelloStatus::malformed ||
                      hello.parse.status == tls::HelloStatus::too_large))
    co_return;
  if (sni_allowed) {
    const bool complete = hello.parse.status == tls::HelloStatus::complete;
    if (!sni_allowed(complete ? std::string_view(hello.parse.info.sni) : std::string_view{})) {
      bump(w.metrics.sni_blocked);
      co_return;  // nothing of the client's reached the upstream
    }
  }

  // Whatever the client sent goes on unchanged: the TLS session stays end to end.
  co_await relay_tunnel(w, client.stream, up.stream, std::move(hello.bytes));
}

}  // namespace edugate::proxy::tunnel
