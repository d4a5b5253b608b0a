#include "proxy/inspect/tls_upstream.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proxy/inspect/tls_contexts.hpp"
#include "proxy/net/upstream_connect.hpp"
#include "proxy/net/upstream_pool.hpp"
#include "proxy/server/worker_context.hpp"

namespace edugate::proxy::inspect {

namespace asio = boost::asio;

namespace {

constexpr auto kSweepEvery = std::chrono::seconds(5);

}  // namespace

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

std::unique_ptr<TlsUpstream> TlsUpstreamPool::take(std::string_view key,
                                                   std::chrono::steady_clock::time_point now,
                                                   bool check_alive) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& queue = it->second;
  std::unique_ptr<TlsUpstream> found;
  while (!queue.empty() && !found) {
    auto conn = std::move(queue.back());  // most recently used: the least likely to be stale
    queue.pop_back();
    --count_;
    const bool fresh = now - conn->idle_since < idle_timeout_;
    const bool quiet = SSL_pending(conn->stream.native_handle()) == 0 &&
                       net::looks_alive(conn->stream.next_layer().socket().native_handle());
    if (fresh && (!check_alive || quiet)) found = std::move(conn);
  }
  if (queue.empty()) idle_.erase(it);
  if (found) found->reused = true;
  return found;
}

void TlsUpstreamPool::give_back(std::unique_ptr<TlsUpstream> conn,
                                std::chrono::steady_clock::time_point now) {
  if (per_key_ == 0 || total_ == 0) return;
  if (now - last_sweep_ >= kSweepEvery) sweep(now);
  conn->idle_since = now;
  conn->stream.next_layer().expires_never();
  if (conn->buffer.size() == 0 && conn->buffer.capacity() > 16 * 1024) conn->buffer.shrink_to_fit();
  auto& queue = idle_[conn->key];
  if (queue.size() >= per_key_) {
    queue.pop_front();
    --count_;
  }
  queue.push_back(std::move(conn));
  ++count_;
  while (count_ > total_) {
    auto oldest = idle_.begin();
    for (auto it = idle_.begin(); it != idle_.end(); ++it)
      if (it->second.front()->idle_since < oldest->second.front()->idle_since) oldest = it;
    oldest->second.pop_front();
    --count_;
    if (oldest->second.empty()) idle_.erase(oldest);
  }
}

void TlsUpstreamPool::sweep(std::chrono::steady_clock::time_point now) {
  last_sweep_ = now;
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && now - queue.front()->idle_since >= idle_timeout_) {
      queue.pop_front();
      --count_;
    }
    it = queue.empty() ? idle_.erase(it) : std::next(it);
  }
}

}  // namespace edugate::proxy::inspect
