#pragma once

#include <boost/beast/core/stream_traits.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace edugate::proxy::net {

/// True when the socket has neither been closed by the peer nor received unexpected bytes.
bool looks_alive(int fd);

/// Idle keep-alive connections to origins, per worker (not thread-safe: used from one thread):
/// plain TCP (UpstreamConnection) and verified TLS (inspect::TlsUpstream) alike. Bounded per key
/// and in total; connections idle longer than `idle_timeout` are dropped. Every operation is
/// O(1) apart from the hash lookup (sweep: per connection dropped): all idle connections sit in
/// one list in the order they were given back, each key keeps its own in that order too, so the
/// oldest of all is the front of the list and also the front of its key's queue.
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
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return nullptr;
    auto& queue = it->second;
    std::unique_ptr<Conn> found;
    while (!queue.empty() && !found) {
      const auto entry = queue.back();  // most recently used: the least likely to be stale
      queue.pop_back();
      auto conn = std::move(*entry);
      order_.erase(entry);
      if (now - conn->idle_since < idle_timeout_ && (!check_alive || quiet(*conn))) {
        conn->reused = true;
        found = std::move(conn);
      }
    }
    if (queue.empty()) by_key_.erase(it);
    return found;
  }

  /// Keeps `conn` for later reuse; the caller guarantees the last response was fully read and
  /// both sides agreed on keep-alive. `now` never goes back between calls (a steady clock).
  void give_back(std::unique_ptr<Conn> conn, std::chrono::steady_clock::time_point now) {
    if (per_key_ == 0 || total_ == 0) return;
    conn->idle_since = now;
    boost::beast::get_lowest_layer(conn->stream).expires_never();
    // Idle connections keep at most a small read-ahead buffer (reused by the next response).
    if (conn->buffer.size() == 0 && conn->buffer.capacity() > 16 * 1024)
      conn->buffer.shrink_to_fit();
    auto& queue = by_key_[conn->key];
    if (queue.size() >= per_key_) {
      order_.erase(queue.front());
      queue.pop_front();
    }
    queue.push_back(order_.insert(order_.end(), std::move(conn)));
    while (order_.size() > total_) drop_oldest();
  }

  /// Closes connections idle for longer than the timeout. Call periodically.
  void sweep(std::chrono::steady_clock::time_point now) {
    while (!order_.empty() && now - order_.front()->idle_since >= idle_timeout_) drop_oldest();
  }

  void clear() {
    by_key_.clear();
    order_.clear();
  }
  std::size_t idle_count() const { return order_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Order = std::list<std::unique_ptr<Conn>>;

  static bool quiet(Conn& c) {
    if constexpr (requires { c.holds_unread_bytes(); }) {
      if (c.holds_unread_bytes()) return false;
    }
    return looks_alive(boost::beast::get_lowest_layer(c.stream).socket().native_handle());
  }

  /// Closes the connection given back longest ago: the front of the list and of its key's queue.
  void drop_oldest() {
    const auto it = by_key_.find((*order_.begin())->key);
    it->second.pop_front();
    if (it->second.empty()) by_key_.erase(it);
    order_.pop_front();
  }

  std::size_t per_key_;
  std::size_t total_;
  std::chrono::milliseconds idle_timeout_;
  Order order_;  ///< every idle connection, oldest first
  std::unordered_map<std::string, std::deque<typename Order::iterator>, Hash, std::equal_to<>>
      by_key_;  ///< each key's connections in `order_`, oldest first
};

}  // namespace edugate::proxy::net
