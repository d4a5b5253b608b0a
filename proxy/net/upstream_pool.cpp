#include "proxy/net/upstream_pool.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace edugate::proxy::net {

bool looks_alive(int fd) {
  char c;
  const auto n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0) return false;  // origin closed it
  if (n > 0) return false;   // bytes nobody asked for: the framing is off, do not reuse
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

std::unique_ptr<UpstreamConnection> UpstreamPool::take(std::string_view key,
                                                       std::chrono::steady_clock::time_point now,
                                                       bool check_alive) {
  auto it = idle_.find(key);
  if (it == idle_.end()) return nullptr;
  auto& queue = it->second;
  while (!queue.empty()) {
    auto conn = std::move(queue.back());  // most recently used: the least likely to be stale
    queue.pop_back();
    --count_;
    if (now - conn->idle_since < idle_timeout_ &&
        (!check_alive || looks_alive(conn->stream.socket().native_handle()))) {
      conn->reused = true;
      if (queue.empty()) idle_.erase(it);
      return conn;
    }
  }
  idle_.erase(it);
  return nullptr;
}

void UpstreamPool::give_back(std::unique_ptr<UpstreamConnection> conn,
                             std::chrono::steady_clock::time_point now) {
  if (per_host_ == 0 || total_ == 0) return;
  conn->idle_since = now;
  conn->stream.expires_never();
  // Idle connections keep at most a small read-ahead buffer (reused by the next response).
  if (conn->buffer.size() == 0 && conn->buffer.capacity() > 16 * 1024) conn->buffer.shrink_to_fit();
  auto& queue = idle_[conn->key];
  if (queue.size() >= per_host_) {
    queue.pop_front();
    --count_;
  }
  queue.push_back(std::move(conn));
  ++count_;
  while (count_ > total_) drop_oldest();
}

void UpstreamPool::drop_oldest() {
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

void UpstreamPool::sweep(std::chrono::steady_clock::time_point now) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& queue = it->second;
    while (!queue.empty() && now - queue.front()->idle_since >= idle_timeout_) {
      queue.pop_front();
      --count_;
    }
    it = queue.empty() ? idle_.erase(it) : std::next(it);
  }
}

void UpstreamPool::clear() {
  idle_.clear();
  count_ = 0;
}

}  // namespace edugate::proxy::net
