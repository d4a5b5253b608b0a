#include "proxy/upstream/host_verification.hpp"

#include <algorithm>
#include <string>

#include "proxy/net/destination_policy.hpp"
#include "proxy/session/worker_context.hpp"
#include "proxy/upstream/upstream_connect.hpp"

namespace edugate::proxy::net {

namespace {

constexpr auto kRemember = std::chrono::minutes(1);
constexpr std::size_t kMaxRemembered = 4096;

}  // namespace

boost::asio::awaitable<bool> name_resolves_to(server::WorkerContext& w, std::string_view name,
                                              const boost::asio::ip::address& destination) {
  const auto want = to_ip_bytes(destination);
  std::string key(name);
  key += '|';
  key.append(reinterpret_cast<const char*>(want.bytes.data()), want.bytes.size());
  const auto now = std::chrono::steady_clock::now();
  if (const auto it = w.host_checks.find(key); it != w.host_checks.end()) {
    if (now < it->second.until) co_return it->second.matches;
    w.host_checks.erase(it);
  }
  const auto endpoints = co_await resolve_upstream(w, name, 0);
  const bool matches = std::any_of(endpoints.begin(), endpoints.end(), [&](const auto& ep) {
    return to_ip_bytes(ep.address()) == want;
  });
  // A name that did not resolve at all (a resolver hiccup) is not remembered: asked again.
  if (endpoints.empty()) co_return false;
  if (w.host_checks.size() >= kMaxRemembered) w.host_checks.clear();
  w.host_checks[std::move(key)] = {now + kRemember, matches};
  co_return matches;
}

}  // namespace edugate::proxy::net
