#pragma once

#include <atomic>
#include <boost/beast/core/stream_traits.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace edugate::proxy::net {

/// What an idle socket holds: nothing (still open, nothing to read), bytes, or the end of the
/// stream (closed by the peer, or an error).
enum class Peek { nothing, bytes, closed };
/// One non-blocking recv(MSG_PEEK) on `fd`.
Peek peek(int fd);

/// Idle keep-alive connections to origins, per worker (not thread-safe: used from one thread):
/// plain TCP (UpstreamConnection) and verified TLS (inspect::TlsUpstream) alike. Bounded per key
/// and in total; connections idle longer than `idle_timeout` are dropped. Every operation is
/// O(1) apart from the hash lookup (sweep: per connection dropped): all idle connections sit in
/// one list in the order they were given back, each key keeps its own in that order too, so the
/// oldest of all is the front of the list and also the front of its key's queue.
///
/// Conn has `stream` (whose lowest layer is a beast::tcp_stream), `buffer` (a flat_buffer of
/// read-ahead bytes), `key`, `reused` and `idle_since`; optionally `holds_unread_bytes()` for
/// bytes a TLS layer holds that nobody read.
///
/// A connection holding a byte nobody asked for is never reused: an origin that sends more than
/// one response (at once, or later while the connection idles) would otherwise hand the next
/// request's client the stray bytes as its response, and every later response on it would be
/// one off — one pupil seeing another's page. So give_back() refuses a connection with bytes in
/// its buffer or its TLS layer, and take() also peeks at the socket (one recv) of every
/// connection it hands out.
template <class Conn>
class IdlePool {
 public:
  /// `unclean` (may be null) counts connections closed for holding stray bytes; it may be read
  /// from other threads.
  IdlePool(std::size_t per_key, std::size_t total, std::chrono::milliseconds idle_timeout,
           std::atomic<std::uint64_t>* unclean = nullptr)
      : per_key_(per_key), total_(total), idle_timeout_(idle_timeout), unclean_(unclean) {}

  /// An idle connection for `key` that has not idled out and still looks alive (not closed by
  /// the origin, no stray bytes: one recv() peek), or nullptr. Marks it `reused`. Connections
  /// found with stray bytes are closed and counted.
  std::unique_ptr<Conn> take(std::string_view key, std::chrono::steady_clock::time_point now) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return nullptr;
    auto& queue = it->second;
    std::unique_ptr<Conn> found;
    while (!queue.empty() && !found) {
      const auto entry = queue.back();  // most recently used: the least likely to be stale
      queue.pop_back();
      auto conn = std::move(*entry);
      order_.erase(entry);
      if (now - conn->idle_since >= idle_timeout_) continue;
      switch (state_of(*conn)) {
        case State::quiet:
          conn->reused = true;
          found = std::move(conn);
          break;
        case State::stray_bytes:
          count_unclean();
          break;
        case State::closed:
          break;
      }
    }
    if (queue.empty()) by_key_.erase(it);
    return found;
  }

  /// Keeps `conn` for later reuse; the caller guarantees the last response was fully read and
  /// both sides agreed on keep-alive. `now` never goes back between calls (a steady clock).
  /// A connection with bytes already read past the response (in `buffer` or the TLS layer) is
  /// closed instead and counted. Returns whether it was kept.
  bool give_back(std::unique_ptr<Conn> conn, std::chrono::steady_clock::time_point now) {
    if (holds_read_ahead(*conn)) {
      count_unclean();
      return false;
    }
    if (per_key_ == 0 || total_ == 0) return false;
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
    return true;
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

  enum class State { quiet, stray_bytes, closed };

  void count_unclean() {
    if (unclean_)
      unclean_->store(unclean_->load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  static bool holds_read_ahead(Conn& c) {
    if (c.buffer.size() > 0) return true;
    if constexpr (requires { c.holds_unread_bytes(); }) {
      if (c.holds_unread_bytes()) return true;
    }
    return false;
  }

  static State state_of(Conn& c) {
    if (holds_read_ahead(c)) return State::stray_bytes;
    return peek_socket(boost::beast::get_lowest_layer(c.stream).socket().native_handle());
  }

  static State peek_socket(int fd) {
    switch (peek(fd)) {
      case Peek::nothing:
        return State::quiet;
      case Peek::bytes:
        return State::stray_bytes;
      case Peek::closed:
        return State::closed;
    }
    return State::closed;
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
  std::atomic<std::uint64_t>* unclean_;
  Order order_;  ///< every idle connection, oldest first
  std::unordered_map<std::string, std::deque<typename Order::iterator>, Hash, std::equal_to<>>
      by_key_;  ///< each key's connections in `order_`, oldest first
};

}  // namespace edugate::proxy::net
