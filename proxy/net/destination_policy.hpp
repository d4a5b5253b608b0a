#pragma once

// Where the proxy may connect on a pupil's behalf. Checked on every address the connector is
// about to connect to (after DNS and upstream_overrides, so a name that resolves to 127.0.0.1
// is caught), for plain HTTP, CONNECT, transparent and inspected connections alike.

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <vector>

#include "proxy/config.hpp"
#include "rules/cidr.hpp"

namespace edugate::proxy::net {

/// A socket edugate itself listens on (proxy listeners, admin listener).
struct OwnListener {
  boost::asio::ip::address address;  ///< may be unspecified (0.0.0.0, ::): every local address
  std::uint16_t port = 0;
};

/// Why a destination was refused, or that it was not.
enum class DestinationVerdict {
  allowed,
  builtin,      ///< loopback, link-local, unspecified, multicast, broadcast, own address
  configured,   ///< in destinations.deny
  own_service,  ///< one of edugate's own listening sockets: refused whatever `allow` says
};

/// Immutable; shared read-only between workers (a new one is made when the appliance's own
/// addresses change). check() is pure and allocation-free.
class DestinationPolicy {
 public:
  /// `local` are the addresses of the appliance's own interfaces (and their broadcast
  /// addresses); `listeners` are edugate's own sockets.
  DestinationPolicy(DestinationConfig config, std::vector<rules::IpBytes> local,
                    std::vector<OwnListener> listeners);

  /// The verdict for connecting to address:port. An IPv6 address that carries an IPv4 one
  /// (mapped, compatible, NAT64, 6to4, Teredo) must pass for both. `routed_here`: the kernel's
  /// routing table delivers the address to this box (local_route.hpp); it then counts as one of
  /// the box's own addresses whatever the address list says (an address gained since the last
  /// look at the interfaces, a `local` route that no interface lists).
  DestinationVerdict check(const rules::IpBytes& address, std::uint16_t port,
                           bool routed_here = false) const noexcept;
  DestinationVerdict check(const boost::asio::ip::address& address, std::uint16_t port,
                           bool routed_here = false) const noexcept;

 private:
  DestinationVerdict check_one(const rules::IpBytes& address, std::uint16_t port,
                               bool routed_here) const noexcept;

  struct Listening {
    rules::IpBytes address;
    std::uint16_t port = 0;
  };

  DestinationConfig config_;
  std::vector<rules::IpBytes> local_;
  std::vector<Listening> listeners_;  ///< converted once, not on every check
};

/// The 16-byte form of an Asio address (IPv4 as IPv4-mapped).
rules::IpBytes to_ip_bytes(const boost::asio::ip::address& a);

}  // namespace edugate::proxy::net
