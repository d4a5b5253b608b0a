#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>

namespace edugate::proxy::net {

/// Asks the kernel's routing table (netlink RTM_GETROUTE, as `ip route get` does) whether
/// `address` is delivered to this machine itself: a `local` route, which covers the box's own
/// addresses (one added a second ago too), loopback, and AnyIP ranges (`ip route add local
/// 192.0.2.0/24 dev lo`) that no interface lists. nullopt when the kernel could not be asked.
/// One netlink socket per thread, kept open; one request and one answer per call.
std::optional<bool> routes_to_this_box(const boost::asio::ip::address& address);

}  // namespace edugate::proxy::net
