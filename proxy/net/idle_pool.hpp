#pragma once

#include <boost/beast/core/stream_traits.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace edugate::proxy::net {

/// True when the socket has neither been closed by the peer nor received unexpected bytes.
bool looks_alive(int fd);

/// Idle keep-alive connections to origins, per worker (not thread-safe: used from one thread):
/// plain TCP (UpstreamConnection) and verified TLS (inspect::TlsUpstream) alike. Bounded per key
/// and in total; connections idle longer than `idle_timeout` are dropped.
///
/// Conn has `stream` (whose lowest layer is a beast::tcp_stream), `buffer` (a flat_buffer of
/// read-ahead bytes), `key`, `reused` and `idle_since`; optionally `holds_unread_bytes()` for
/// bytes a TLS layer has decrypted but nobody read.
template <class Conn>
class IdlePool {
 public:
  IdlePool(std::size_t per_key, std::size_t total, std::chrono::milliseconds idle_timeout)
      : per_key_(per_key), total_(total), idle_timeout_(idle_timeout) {}

  /// An idle connection for `key` that has not idled out and, with `check_alive`, still looks
  /// alive (not closed by the origin, no stray bytes: one recv() peek), or nullptr. Marks it
  /// `reused`.
  std::unique_ptr<Conn> take(std::string_view key, std::chrono::steady_clock::time_point now,
                             bool check_alive = true) {
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    auto& queue = it->second;
    while (!queue.empty()) {
      auto conn = std::move(queue.back());  // most recently used: the least likely to be stale
      queue.pop_back();
      --count_;
      if (now - conn->idle_since < idle_timeout_ && (!check_alive || quiet(*conn))) {
        conn->reused = true;
        if (queue.empty()) idle_.erase(it);
        return conn;
      }
    }
    idle_.erase(it);
    return nullptr;
  }

  /// Keeps `conn` for later reuse; the caller guarantees the last response was fully read and
  /// both sides agreed on keep-alive.
  void give_back(std::unique_ptr<Conn> conn, std::chrono::steady_clock::time_point now) {
    if (per_key_ == 0 || total_ == 0) return;
    conn->idle_since = now;
    boost::beast::get_lowest_layer(conn->stream).expires_never();
    // Idle connections keep at most a small read-ahead buffer (reused by the next response).
    if (conn->buffer.size() == 0 && conn->buffer.capacity() > 16 * 1024)
      conn->buffer.shrink_to_fit();
    auto& queue = idle_[conn->key];
    if (queue.size() >= per_key_) {
      queue.pop_front();
      --count_;
    }
    queue.push_back(std::move(conn));
    ++count_;
    while (count_ > total_) drop_oldest();
  }

  /// Closes connections idle for longer than the timeout. Call periodically.
  void sweep(std::chrono::steady_clock::time_point now) {
    for (auto it = idle_.begin(); it != idle_.end();) {
      auto& queue = it->second;
      while (!queue.empty() && now - queue.front()->idle_since >= idle_timeout_) {
        queue.pop_front();
        --count_;
      }
      it = queue.empty() ? idle_.erase(it) : std::next(it);
    }
  }

  void clear() {
    idle_.clear();
    count_ = 0;
  }
  std::size_t idle_count() const { return count_; }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Queue = std::deque<std::unique_ptr<Conn>>;

  static bool quiet(Conn& c) {
    if constexpr (requires { c.holds_unread_bytes(); }) {
      if (c.holds_unread_bytes()) return false;
    }
    return looks_alive(boost::beast::get_lowest_layer(c.stream).socket().native_handle());
  }

  void drop_oldest() {
    auto oldest = idle_.end();
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      if (oldest == idle_.end() ||
          it->second.front()->idle_since < oldest->second.front()->idle_since)
        oldest = it;
    }
    if (oldest == idle_.end()) return;
    oldest->second.pop_front();
    --count_;
    if (oldest->second.empty()) idle_.erase(oldest);
  }

  std::size_t per_key_;
  std::size_t total_;
  std::chrono::milliseconds idle_timeout_;
  std::size_t count_ = 0;
  std::unordered_map<std::string, Queue, Hash, std::equal_to<>> idle_;
};

}  // namespace edugate::proxy::net
