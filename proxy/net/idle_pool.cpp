#include "proxy/net/idle_pool.hpp"

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

}  // namespace edugate::proxy::net
