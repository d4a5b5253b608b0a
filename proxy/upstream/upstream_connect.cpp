#include "proxy/upstream/upstream_connect.hpp"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "proxy/net/destination_policy.hpp"
#include "proxy/net/local_route.hpp"
#include "proxy/session/worker_context.hpp"

namespace edugate::proxy::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

std::string make_key(std::string_view host, std::uint16_t port) {
  return fmt::format("{}:{}", host, port);
}

/// Splits "ip:port" / "[v6]:port" from upstream_overrides (validated at config load).
tcp::endpoint override_endpoint(std::string_view target) {
  const auto colon = target.rfind(':');
  auto host = target.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  const auto port = static_cast<std::uint16_t>(std::stoul(std::string(target.substr(colon + 1))));
  return {asio::ip::make_address(std::string(host)), port};
}

struct Resolved {
  std::vector<tcp::endpoint> endpoints;
  http::ProxyError error = http::ProxyError::dns_failed;
};

asio::awaitable<Resolved> resolve(server::WorkerContext& w, std::string_view host,
                                  std::uint16_t port) {
  Resolved out;
  if (auto it = w.config.upstream_overrides.find(host); it != w.config.upstream_overrides.end()) {
    out.endpoints.push_back(override_endpoint(it->second));
    co_return out;
  }
  boost::system::error_code ec;
  auto literal = std::string(host);
  if (literal.size() > 2 && literal.front() == '[') literal = literal.substr(1, literal.size() - 2);
  const auto address = asio::ip::make_address(literal, ec);
  if (!ec) {
    out.endpoints.emplace_back(address, port);
    co_return out;
  }
  asio::steady_timer timer(w.io, w.config.timeouts.upstream_connect);
  auto result =
      co_await (w.resolver.async_resolve(std::string(host), std::to_string(port), kTuple) ||
                timer.async_wait(kTuple));
  if (result.index() == 1) {
    out.error = http::ProxyError::connect_timeout;
    co_return out;
  }
  auto [rec, results] = std::get<0>(std::move(result));
  if (rec) co_return out;
  for (const auto& entry : results) out.endpoints.push_back(entry.endpoint());
  co_return out;
}

}  // namespace

asio::awaitable<std::vector<tcp::endpoint>> resolve_upstream(server::WorkerContext& w,
                                                             std::string_view host,
                                                             std::uint16_t port) {
  auto resolved = co_await resolve(w, host, port);
  co_return std::move(resolved.endpoints);
}

asio::awaitable<ConnectResult> connect_upstream(server::WorkerContext& w, std::string_view host,
                                                std::uint16_t port) {
  ConnectResult out;
  auto resolved = co_await resolve(w, host, port);
  if (!resolved.endpoints.empty()) {
    // On the addresses themselves, after DNS: a name that resolves to 127.0.0.1 is caught,
    // and no second lookup can answer differently from the one connected to.
    const auto& policy = *w.destinations;
    bool own_service = false;  // any of the name's addresses was one of edugate's listeners
    std::erase_if(resolved.endpoints, [&](const tcp::endpoint& ep) {
      // The box's address list is re-read every few seconds and has no `local` routes: the
      // routing table says where an address really leads (before any handshake).
      const auto v =
          policy.check(ep.address(), ep.port(), routes_to_this_box(ep.address()).value_or(false));
      own_service = own_service || v == DestinationVerdict::own_service;
      return v != DestinationVerdict::allowed;
    });
    if (resolved.endpoints.empty()) {
      bump(w.metrics.destinations_refused);
      if (own_service) bump(w.metrics.destinations_refused_own_service);
      out.error = http::ProxyError::forbidden_destination;
      co_return out;
    }
  }
  if (resolved.endpoints.empty()) {
    out.error = resolved.error;
    bump(resolved.error == http::ProxyError::dns_failed ? w.metrics.upstream_dns_errors
                                                        : w.metrics.upstream_connect_timeouts);
    co_return out;
  }
  beast::tcp_stream stream(w.io);
  stream.expires_after(w.config.timeouts.upstream_connect);
  auto [ec, ep] = co_await stream.async_connect(resolved.endpoints, kTuple);
  if (ec) {
    if (ec == beast::error::timeout) {
      out.error = http::ProxyError::connect_timeout;
      bump(w.metrics.upstream_connect_timeouts);
    } else {
      out.error = http::ProxyError::connect_failed;
      bump(w.metrics.upstream_refused);
    }
    co_return out;
  }
  stream.expires_never();
  boost::system::error_code ignored;
  stream.socket().set_option(tcp::no_delay(true), ignored);
  bump(w.metrics.upstream_connects);
  out.connection = std::make_unique<UpstreamConnection>(std::move(stream), make_key(host, port));
  co_return out;
}

asio::awaitable<ConnectResult> acquire_upstream(server::WorkerContext& w, std::string_view host,
                                                std::uint16_t port) {
  const auto key = make_key(host, port);
  if (auto conn = w.pool.take(key, std::chrono::steady_clock::now())) {
    bump(w.metrics.upstream_reused);
    co_return ConnectResult{std::move(conn), {}};
  }
  co_return co_await connect_upstream(w, host, port);
}

}  // namespace edugate::proxy::net
