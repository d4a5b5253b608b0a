#include "tests/integration/harness/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace edugate::itest {
namespace {

/// Owns a socket descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

int connect_to(const Endpoint& to, std::string_view source) {
  sockaddr_storage addr{};
  socklen_t size = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
  if (::inet_pton(AF_INET, to.host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(to.port);
    size = sizeof *v4;
  } else if (::inet_pton(AF_INET6, to.host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(to.port);
    size = sizeof *v6;
  } else {
    return -1;
  }
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && !source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    if (::inet_pton(AF_INET, std::string(source).c_str(), &from.sin_addr) != 1 ||
        ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) {
      ::close(fd);
      return -1;
    }
  }
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

RawResult raw_exchange(const Endpoint& to, std::string_view request, milliseconds timeout,
                       std::size_t max_bytes, std::string_view source) {
  RawResult result;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const Fd fd(connect_to(to, source));  // loopback: connect is immediate
  if (fd.get() < 0) return result;
  result.connected = true;
  // A peer that stops reading must not hold the send loop beyond the deadline.
  const auto ms = std::max(remaining_ms(deadline), 1);
  const timeval send_timeout{ms / 1000, (ms % 1000) * 1000};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
  for (std::size_t sent = 0; sent < request.size();) {  // each turn sends bytes or gives up
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the peer closed early; still read what it said
    sent += static_cast<std::size_t>(n);
  }
  std::array<char, 65536> chunk;
  while (result.received.size() < max_bytes) {  // each turn reads bytes, or ends
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) {
      result.timed_out = ready == 0;
      break;
    }
    const ssize_t n = ::recv(fd.get(), chunk.data(), chunk.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      result.peer_closed = true;
      break;
    }
    result.received.append(
        chunk.data(), std::min(static_cast<std::size_t>(n), max_bytes - result.received.size()));
  }
  return result;
}

}  // namespace edugate::itest
