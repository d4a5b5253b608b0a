#include "proxy/net/original_destination.hpp"

#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6/ip6_tables.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace edugate::proxy::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

/// getsockopt(Level, Name) as an Asio socket option, so that the const socket API (with an
/// error_code) reads it: `Addr` receives the address, `length` what the kernel wrote.
template <int Level, int Name, class Addr>
struct OriginalDstOption {
  template <class Protocol>
  int level(const Protocol&) const {
    return Level;
  }
  template <class Protocol>
  int name(const Protocol&) const {
    return Name;
  }
  template <class Protocol>
  void* data(const Protocol&) {
    return &addr;
  }
  template <class Protocol>
  std::size_t size(const Protocol&) const {
    return sizeof addr;
  }
  template <class Protocol>
  void resize(const Protocol&, std::size_t s) {
    length = s;
  }

  Addr addr{};
  std::size_t length = 0;
};

boost::system::error_code error_of(int e) { return {e, boost::system::system_category()}; }

boost::system::result<tcp::endpoint> original_v4(const tcp::socket& socket) {
  OriginalDstOption<SOL_IP, SO_ORIGINAL_DST, sockaddr_in> opt;
  boost::system::error_code ec;
  socket.get_option(opt, ec);
  if (ec) return ec;
  if (opt.length < sizeof opt.addr || opt.addr.sin_family != AF_INET) return error_of(EAFNOSUPPORT);
  const asio::ip::address_v4 ip(ntohl(opt.addr.sin_addr.s_addr));
  return tcp::endpoint(ip, ntohs(opt.addr.sin_port));
}

boost::system::result<tcp::endpoint> original_v6(const tcp::socket& socket) {
  OriginalDstOption<SOL_IPV6, IP6T_SO_ORIGINAL_DST, sockaddr_in6> opt;
  boost::system::error_code ec;
  socket.get_option(opt, ec);
  if (ec) return ec;
  if (opt.length < sizeof opt.addr || opt.addr.sin6_family != AF_INET6)
    return error_of(EAFNOSUPPORT);
  asio::ip::address_v6::bytes_type bytes;
  std::memcpy(bytes.data(), opt.addr.sin6_addr.s6_addr, bytes.size());
  const asio::ip::address_v6 ip(bytes, opt.addr.sin6_scope_id);
  return tcp::endpoint(ip, ntohs(opt.addr.sin6_port));
}

}  // namespace

boost::system::result<tcp::endpoint> original_destination(const tcp::socket& socket) {
  boost::system::error_code ec;
  const auto local = socket.local_endpoint(ec);
  if (ec) return ec;
  // The socket's family says which table redirected it: listeners are bound v6-only, so an
  // IPv6 socket never carries an IPv4 connection.
  if (local.address().is_v4()) return original_v4(socket);
  return original_v6(socket);
}

bool is_own_listener(const tcp::endpoint& original, const tcp::endpoint& local,
                     const std::vector<ListenerConfig>& listeners) {
  if (original == local) return true;
  return std::any_of(listeners.begin(), listeners.end(), [&](const ListenerConfig& l) {
    if (l.port != original.port()) return false;
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(l.address, ec);
    if (ec) return false;
    if (address.is_unspecified()) return original.address() == local.address();
    return address == original.address();
  });
}

}  // namespace edugate::proxy::net
