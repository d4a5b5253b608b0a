#include "proxy/net/idle_pool.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace edugate::proxy::net {

Peek peek(int fd) {
  char c;
  const auto n = ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0) return Peek::bytes;  // nobody asked for them: the framing is off
  if (n == 0) return Peek::closed;
  return errno == EAGAIN || errno == EWOULDBLOCK ? Peek::nothing : Peek::closed;
}

}  // namespace edugate::proxy::net
