#include "proxy/net/local_addresses.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

namespace edugate::proxy::net {

namespace {

bool add(const sockaddr* sa, std::vector<rules::IpBytes>& out) {
  if (!sa) return false;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    out.push_back(rules::IpBytes::from_v4(ntohl(in->sin_addr.s_addr)));
    return true;
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    rules::IpBytes ip;
    std::memcpy(ip.bytes.data(), in6->sin6_addr.s6_addr, 16);
    out.push_back(ip);
    return true;
  }
  return false;
}

}  // namespace

std::vector<rules::IpBytes> local_addresses() {
  std::vector<rules::IpBytes> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (const ifaddrs* i = list; i; i = i->ifa_next) {
    if (!add(i->ifa_addr, out)) continue;
    if ((i->ifa_flags & IFF_BROADCAST) && i->ifa_addr->sa_family == AF_INET)
      add(i->ifa_broadaddr, out);
  }
  ::freeifaddrs(list);
  std::sort(out.begin(), out.end(),
            [](const rules::IpBytes& a, const rules::IpBytes& b) { return a.bytes < b.bytes; });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace edugate::proxy::net
