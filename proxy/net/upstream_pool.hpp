#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "proxy/net/upstream_connection.hpp"

namespace edugate::proxy::net {

/// Idle keep-alive connections to origins, per worker (not thread-safe: used from one thread).
/// Bounded per host and in total; connections idle longer than `idle_timeout` are dropped.
class UpstreamPool {
 public:
  UpstreamPool(std::size_t per_host, std::size_t total, std::chrono::milliseconds idle_timeout)
      : per_host_(per_host), total_(total), idle_timeout_(idle_timeout) {}

  /// An idle connection for `key` that has not idled out and, with `check_alive`, still looks
  /// alive (not closed by the origin, no stray bytes: one recv() peek), or nullptr. Marks it
  /// `reused`.
  std::unique_ptr<UpstreamConnection> take(std::string_view key,
                                           std::chrono::steady_clock::time_point now,
                                           bool check_alive = true);
  /// Keeps `conn` for later reuse; the caller guarantees the last response was fully read and
  /// both sides agreed on keep-alive.
  void give_back(std::unique_ptr<UpstreamConnection> conn,
                 std::chrono::steady_clock::time_point now);
  /// Closes connections idle for longer than the timeout. Call periodically.
  void sweep(std::chrono::steady_clock::time_point now);
  void clear();
  std::size_t idle_count() const { return count_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Queue = std::deque<std::unique_ptr<UpstreamConnection>>;

  void drop_oldest();

  std::size_t per_host_;
  std::size_t total_;
  std::chrono::milliseconds idle_timeout_;
  std::size_t count_ = 0;
  std::unordered_map<std::string, Queue, Hash, std::equal_to<>> idle_;
};

/// True when the socket has neither been closed by the peer nor received unexpected bytes.
bool looks_alive(int fd);

}  // namespace edugate::proxy::net
