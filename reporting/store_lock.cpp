#include "reporting/store_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace edugate::reporting {

StoreLock StoreLock::try_lock(const std::string& store_path, Mode mode, Failure* why) {
  const auto path = path_for(store_path);
  // Read-only is enough for flock, so a lock file root created first still serves edugate.
  // Never through a link, and never blocked by a FIFO someone put there.
  const int fd =
      ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
  if (fd < 0) {
    if (why) *why = {false, fmt::format("cannot open {}: {}", path, std::strerror(errno))};
    return {};
  }
  const int op = (mode == Mode::shared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  if (::flock(fd, op) != 0) {
    const int err = errno;
    ::close(fd);
    if (why) *why = {err == EWOULDBLOCK, fmt::format("{}: {}", path, std::strerror(err))};
    return {};
  }
  return StoreLock(fd);
}

StoreLock& StoreLock::operator=(StoreLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

StoreLock::~StoreLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace edugate::reporting
