#include "proxy/net/local_route.hpp"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace edugate::proxy::net {

namespace {

/// The calling thread's netlink socket, opened on first use; -1 when that failed.
class RouteSocket {
 public:
  RouteSocket() : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) {
    if (fd_ < 0) return;
    timeval timeout{1, 0};  // the kernel answers at once; never hang a worker on it
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~RouteSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RouteSocket(const RouteSocket&) = delete;
  RouteSocket& operator=(const RouteSocket&) = delete;
  int fd() const { return fd_; }
  std::uint32_t next_sequence() { return ++sequence_; }

 private:
  int fd_;
  std::uint32_t sequence_ = 0;
};

}  // namespace

std::optional<bool> routes_to_this_box(const boost::asio::ip::address& address) {
  thread_local RouteSocket sock;
  if (sock.fd() < 0) return std::nullopt;

  struct Request {
    nlmsghdr header;
    rtmsg route;
    std::array<char, RTA_SPACE(16)> attributes;
  } request{};
  const bool v4 = address.is_v4();
  const auto bytes_v4 = v4 ? address.to_v4().to_bytes() : boost::asio::ip::address_v4::bytes_type{};
  const auto bytes_v6 = v4 ? boost::asio::ip::address_v6::bytes_type{} : address.to_v6().to_bytes();
  const void* bytes = v4 ? static_cast<const void*>(bytes_v4.data()) : bytes_v6.data();
  const std::size_t length = v4 ? bytes_v4.size() : bytes_v6.size();

  request.route.rtm_family = v4 ? AF_INET : AF_INET6;
  request.route.rtm_dst_len = static_cast<unsigned char>(length * 8);
  auto* dst = reinterpret_cast<rtattr*>(request.attributes.data());
  dst->rta_type = RTA_DST;
  dst->rta_len = static_cast<unsigned short>(RTA_LENGTH(length));
  std::memcpy(RTA_DATA(dst), bytes, length);
  request.header.nlmsg_len =
      static_cast<std::uint32_t>(NLMSG_LENGTH(sizeof(rtmsg)) + RTA_SPACE(length));
  request.header.nlmsg_type = RTM_GETROUTE;
  request.header.nlmsg_flags = NLM_F_REQUEST;
  request.header.nlmsg_seq = sock.next_sequence();

  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(sock.fd(), &request, request.header.nlmsg_len, 0,
               reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0)
    return std::nullopt;

  alignas(nlmsghdr) std::array<char, 8192> answer;
  for (;;) {  // skip any late answer to an earlier request that timed out
    const auto n = ::recv(sock.fd(), answer.data(), answer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return std::nullopt;
    auto remaining = static_cast<unsigned int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(answer.data()); NLMSG_OK(h, remaining);
         h = NLMSG_NEXT(h, remaining)) {
      if (h->nlmsg_seq != request.header.nlmsg_seq) continue;
      if (h->nlmsg_type == NLMSG_ERROR) {
        // No route at all: certainly not this box. Any other error: could not tell.
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (e->error == -ENETUNREACH || e->error == -EHOSTUNREACH) return false;
        return std::nullopt;
      }
      if (h->nlmsg_type != RTM_NEWROUTE) return std::nullopt;
      const auto* r = static_cast<const rtmsg*>(NLMSG_DATA(h));
      return r->rtm_type == RTN_LOCAL;
    }
  }
}

}  // namespace edugate::proxy::net
