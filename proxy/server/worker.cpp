#include "proxy/server/worker.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "proxy/forward/client_session.hpp"
#include "proxy/inspect/inspector.hpp"
#include "proxy/net/proxy_protocol.hpp"
#include "proxy/transparent/transparent_session.hpp"

namespace edugate::proxy::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kSweepEvery = std::chrono::seconds(5);
/// How long, once draining, a keep-alive connection idle between requests may still bring one.
constexpr std::chrono::milliseconds kIdleDrainGrace{1000};

void log_if_failed(std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    // The message comes from the library (allocation, system error): it carries no address.
    spdlog::error("session ended by an unexpected error: {}", ex.what());
  }
}

/// A session that holds its client's slot until it ends.
asio::awaitable<void> serve_holding(WorkerContext& w, tcp::socket socket, ListenerConfig::Mode mode,
                                    rules::IpBytes client, net::ClientSlots::Slot slot) {
  if (mode == ListenerConfig::Mode::transparent)
    co_await serve_transparent(w, std::move(socket), client);
  else
    co_await serve_client(w, std::move(socket), client);
  slot.reset();
}

/// A connection from a trusted load balancer: its PROXY v2 header, read whole within
/// timeouts.request_head, names the device, which is then the client for everything (client
/// networks, groups, per-client limits, distinct devices). A connection without a valid header
/// is closed without an answer.
asio::awaitable<void> serve_behind_balancer(WorkerContext& w, tcp::socket socket,
                                            rules::IpBytes peer) {
  beast::tcp_stream stream(std::move(socket));
  stream.expires_after(w.config.timeouts.request_head);
  std::array<std::uint8_t, net::kProxyV2PrefixSize> prefix{};
  std::array<std::uint8_t, net::kProxyV2MaxBlock> block{};
  std::optional<net::ProxyV2Header> header;
  auto [ec, n] = co_await asio::async_read(stream, asio::buffer(prefix), kTuple);
  const auto length = ec ? std::nullopt : net::proxy_v2_block_length(prefix);
  if (length) {
    auto [block_ec, got] =
        co_await asio::async_read(stream, asio::buffer(block.data(), *length), kTuple);
    if (!block_ec) header = net::parse_proxy_v2(prefix, std::span(block.data(), *length));
  }
  if (!header) {
    w.open_connections.fetch_sub(1, std::memory_order_relaxed);
    bump(w.metrics.connections_refused_proxy_protocol);
    co_return;
  }
  stream.expires_never();
  const auto client = header->source.value_or(peer);
  auto slot = w.client_slots.acquire(client);
  if (!slot) {
    w.open_connections.fetch_sub(1, std::memory_order_relaxed);
    bump(w.metrics.connections_refused_client_limit);
    co_return;
  }
  co_await serve_client(w, stream.release_socket(), client);
}

/// A connection the kernel has accepted: the limits (in total, per device), the PROXY header
/// on a listener behind a load balancer, then its session.
void take_connection(WorkerContext& w, tcp::socket socket, const ListenerConfig& listener) {
  const auto open = w.open_connections.fetch_add(1, std::memory_order_relaxed) + 1;
  if (open > w.config.limits.max_connections) {
    w.open_connections.fetch_sub(1, std::memory_order_relaxed);
    bump(w.metrics.connections_refused_limit);
    return;  // the socket closes as it goes out of scope
  }
  boost::system::error_code pec;
  const auto peer = socket.remote_endpoint(pec);
  if (pec) {
    w.open_connections.fetch_sub(1, std::memory_order_relaxed);
    return;  // already gone
  }
  const auto peer_ip = net::to_ip_bytes(peer.address());
  const auto& balancers = listener.proxy_protocol_from;
  if (!balancers.empty()) {
    // Only the load balancers may name a client; anyone else could claim any address.
    if (std::none_of(balancers.begin(), balancers.end(),
                     [&](const rules::Cidr& n) { return n.contains(peer_ip); })) {
      w.open_connections.fetch_sub(1, std::memory_order_relaxed);
      bump(w.metrics.connections_refused_proxy_protocol);
      return;
    }
    asio::co_spawn(w.io, serve_behind_balancer(w, std::move(socket), peer_ip), log_if_failed);
    return;
  }
  auto slot = w.client_slots.acquire(peer_ip);
  if (!slot) {
    w.open_connections.fetch_sub(1, std::memory_order_relaxed);
    bump(w.metrics.connections_refused_client_limit);
    return;  // closed: this device already holds max_connections_per_client
  }
  asio::co_spawn(w.io,
                 serve_holding(w, std::move(socket), listener.mode, peer_ip, std::move(*slot)),
                 log_if_failed);
}

asio::awaitable<void> accept_loop(WorkerContext& w, tcp::acceptor& acceptor,
                                  const ListenerConfig& listener) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kTuple);
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors or a transient error: back off briefly instead of spinning.
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer pause(w.io, std::chrono::milliseconds(50));
      co_await pause.async_wait(kTuple);
      continue;
    }
    take_connection(w, std::move(socket), listener);
  }
}

}  // namespace

Worker::Worker(const Config& config, const policy::Services& services,
               std::atomic<std::uint32_t>& open_connections, SharedLimits& shared,
               reporting::Recorder* recorder, const reporting::DeviceKeyring* keyring)
    : ctx_(config, services, io_, open_connections, shared),
      sweep_timer_(io_),
      idle_close_timer_(io_) {
  ctx_.recorder = recorder;
  ctx_.keyring = keyring;
}

void Worker::install_rules(std::shared_ptr<const rules::RuleSet> rules,
                           std::shared_ptr<const reporting::Labels> labels) {
  auto apply = [this, rules = std::move(rules), labels = std::move(labels)]() mutable {
    if (ctx_.recorder && labels) ctx_.recorder->set_labels(*labels);
    ctx_.rules = std::move(rules);
  };
  if (thread_.joinable())
    asio::post(io_, std::move(apply));
  else
    apply();  // before start(): nothing runs on the worker yet
}

void Worker::install_destinations(std::shared_ptr<const net::DestinationPolicy> policy) {
  auto apply = [this, policy = std::move(policy)]() mutable {
    ctx_.destinations = std::move(policy);
  };
  if (thread_.joinable())
    asio::post(io_, std::move(apply));
  else
    apply();
}

Worker::~Worker() { stop(); }

tcp::endpoint Worker::listen(const tcp::endpoint& endpoint, const ListenerConfig& listener) {
  tcp::acceptor acceptor(io_);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  const int one = 1;
  if (::setsockopt(acceptor.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
    throw boost::system::system_error(errno, boost::system::system_category(), "SO_REUSEPORT");
  if (endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(true));
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  auto bound = acceptor.local_endpoint();
  acceptors_.push_back(Listening{std::move(acceptor), &listener});
  return bound;
}

void Worker::start() {
  for (auto& l : acceptors_)
    asio::co_spawn(io_, accept_loop(ctx_, l.acceptor, *l.listener), log_if_failed);
  schedule_sweep();
  thread_ = std::thread([this] { io_.run(); });
}

void Worker::schedule_sweep() {
  sweep_timer_.expires_after(kSweepEvery);
  sweep_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    const auto now = std::chrono::steady_clock::now();
    ctx_.pool.sweep(now);
    if (ctx_.inspector) ctx_.inspector->pool().sweep(now);
    schedule_sweep();
  });
}

void Worker::drain() {
  asio::post(io_, [this] {
    ctx_.draining = true;
    boost::system::error_code ignored;
    // Connections the kernel has already completed (in the listen backlog) are taken, not reset
    // by the close: their clients (or a load balancer, which would not retry a connection that
    // was established) have sent or are sending a request. Each gets that one request answered,
    // with Connection: close. A connection attempted after the close is refused, which a
    // balancer retries on the other node.
    for (auto& l : acceptors_) {
      l.acceptor.non_blocking(true, ignored);
      for (int taken = 0; taken < 4096; ++taken) {
        tcp::socket socket(io_);
        boost::system::error_code ec;
        l.acceptor.accept(socket, ec);
        if (ec) break;
        take_connection(ctx_, std::move(socket), *l.listener);
      }
      l.acceptor.close(ignored);
    }
    ctx_.pool.clear();
    sweep_timer_.cancel();
    // A keep-alive connection idle between requests is not closed at once: a request its client
    // has just sent would be lost (the client cannot know it raced the close). For a short grace
    // its next request is served and answered with Connection: close (the request loop stops
    // after it, as it does for every request once draining); then what is still idle is closed.
    idle_close_timer_.expires_after(
        std::min<std::chrono::milliseconds>(kIdleDrainGrace, ctx_.config.timeouts.drain / 2));
    idle_close_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      boost::system::error_code cancelled;
      for (auto& s : ctx_.sessions)
        if (s.idle && s.socket) s.socket->cancel(cancelled);
    });
  });
}

void Worker::stop() {
  io_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace edugate::proxy::server
