#include "proxy/tunnel/relay_tunnel.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "proxy/net/byte_relay.hpp"
#include "proxy/session/worker_context.hpp"

namespace edugate::proxy::tunnel {

namespace asio = boost::asio;

asio::awaitable<void> relay_tunnel(server::WorkerContext& w, boost::beast::tcp_stream& client,
                                   boost::beast::tcp_stream& upstream,
                                   std::vector<std::uint8_t> already_read) {
  const auto& t = w.config.timeouts;
  if (!already_read.empty()) {
    upstream.expires_after(t.body_idle);
    auto [ec, n] = co_await asio::async_write(upstream, asio::buffer(already_read),
                                              asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    std::vector<std::uint8_t>().swap(already_read);
  }
  upstream.expires_never();
  client.expires_never();
  w.metrics.active_tunnels.fetch_add(1, std::memory_order_relaxed);
  auto to_up = w.buffers.take();
  auto to_client = w.buffers.take();
  co_await net::relay_bytes(client.socket(), upstream.socket(), to_up.span(), to_client.span(),
                            t.tunnel_idle, w.pipes);
  w.metrics.active_tunnels.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace edugate::proxy::tunnel
