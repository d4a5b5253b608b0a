#pragma once

// Hosts not to inspect for a while: their client refused the school-CA certificate (a pinned
// app, or a device without the CA). Per worker; holds names only, never a client address.

#include <chrono>
#include <string_view>

#include "proxy/inspect/lru_cache.hpp"

namespace edugate::proxy::inspect {

class FallbackHosts {
 public:
  using Clock = std::chrono::steady_clock;

  /// Remembers at most `capacity` hosts (the least recently refused are forgotten first), each
  /// for `ttl`.
  FallbackHosts(std::size_t capacity, std::chrono::milliseconds ttl)
      : hosts_(capacity), ttl_(ttl) {}

  /// `host`'s client refused inspection at `now`.
  void remember(std::string_view host, Clock::time_point now) { hosts_.put(host, now + ttl_); }

  /// Whether `host` was refused less than ttl ago (an expired entry is dropped).
  bool contains(std::string_view host, Clock::time_point now) {
    const Clock::time_point* until = hosts_.find(host);
    if (!until) return false;
    if (*until > now) return true;
    hosts_.erase(host);
    return false;
  }

  std::size_t size() const noexcept { return hosts_.size(); }

 private:
  LruCache<Clock::time_point> hosts_;
  std::chrono::milliseconds ttl_;
};

}  // namespace edugate::proxy::inspect
