#include "proxy/net/pipe_pool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <utility>

namespace edugate::proxy::net {

namespace {
constexpr int kPipeBytes = 1 << 20;  // fewer splice calls per MiB; capped by pipe-max-size
}

Pipe::Pipe() {
  if (::pipe2(fds_, O_NONBLOCK | O_CLOEXEC) != 0) {
    fds_[0] = fds_[1] = -1;
    return;
  }
  const int size = ::fcntl(fds_[1], F_SETPIPE_SZ, kPipeBytes);
  capacity_ = static_cast<std::size_t>(size > 0 ? size : ::fcntl(fds_[1], F_GETPIPE_SZ));
}

Pipe::~Pipe() {
  if (fds_[0] >= 0) ::close(fds_[0]);
  if (fds_[1] >= 0) ::close(fds_[1]);
}

Pipe::Pipe(Pipe&& other) noexcept : capacity_(other.capacity_) {
  fds_[0] = std::exchange(other.fds_[0], -1);
  fds_[1] = std::exchange(other.fds_[1], -1);
}

Pipe PipePool::take() {
  if (free_.empty()) return Pipe();
  Pipe p = std::move(free_.back());
  free_.pop_back();
  return p;
}

void PipePool::give_back(Pipe pipe) {
  if (pipe.ok() && free_.size() < keep_) free_.push_back(std::move(pipe));
}

}  // namespace edugate::proxy::net
