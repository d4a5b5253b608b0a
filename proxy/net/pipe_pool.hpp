#pragma once

#include <cstddef>
#include <vector>

namespace edugate::proxy::net {

/// A pipe(2) for splice(2): bytes move socket → pipe → socket inside the kernel, never copied
/// to user space. Non-blocking, close-on-exec; closed on destruction.
class Pipe {
 public:
  Pipe();
  ~Pipe();
  Pipe(Pipe&& other) noexcept;
  Pipe& operator=(Pipe&&) = delete;
  Pipe(const Pipe&) = delete;
  bool ok() const { return fds_[0] >= 0; }
  int read_end() const { return fds_[0]; }
  int write_end() const { return fds_[1]; }
  std::size_t capacity() const { return capacity_; }

 private:
  int fds_[2] = {-1, -1};
  std::size_t capacity_ = 0;
};

/// Pipes lent to tunnels for one chunk at a time, so that idle tunnels hold no pipe (and no
/// file descriptors). Not thread-safe: one per worker.
class PipePool {
 public:
  explicit PipePool(std::size_t keep_at_most) : keep_(keep_at_most) {}
  /// A pipe (a new one when none is free); check ok() — the system may be out of descriptors.
  Pipe take();
  /// Returns an empty pipe for reuse (closed if the pool is full).
  void give_back(Pipe pipe);

 private:
  std::size_t keep_;
  std::vector<Pipe> free_;
};

}  // namespace edugate::proxy::net
