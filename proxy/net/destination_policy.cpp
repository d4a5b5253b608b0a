#include "proxy/net/destination_policy.hpp"

#include <algorithm>
#include <array>

namespace edugate::proxy::net {

namespace {

/// Never reachable through the proxy unless `destinations.allow` lists them. Anchor: Squid's
/// default configuration denies to_localhost and to_linklocal.
const std::array<rules::Cidr, 10>& builtin_denied() {
  static const std::array<rules::Cidr, 10> nets = {
      *rules::Cidr::parse("0.0.0.0/8"),           // "this network": 0.0.0.0 connects to loopback
      *rules::Cidr::parse("127.0.0.0/8"),         // loopback
      *rules::Cidr::parse("169.254.0.0/16"),      // link-local (cloud metadata 169.254.169.254)
      *rules::Cidr::parse("224.0.0.0/4"),         // multicast
      *rules::Cidr::parse("255.255.255.255/32"),  // limited broadcast
      *rules::Cidr::parse("::/128"),              // unspecified
      *rules::Cidr::parse("::1/128"),             // loopback
      *rules::Cidr::parse("fe80::/10"),           // link-local
      *rules::Cidr::parse("ff00::/8"),            // multicast
      *rules::Cidr::parse("fec0::/10"),           // site-local (deprecated, still routed locally)
  };
  return nets;
}

/// Addresses that reach this box whatever its interfaces: 0.0.0.0 and :: connect to loopback.
const std::array<rules::Cidr, 4>& this_box() {
  static const std::array<rules::Cidr, 4> nets = {
      *rules::Cidr::parse("0.0.0.0/8"), *rules::Cidr::parse("127.0.0.0/8"),
      *rules::Cidr::parse("::/128"), *rules::Cidr::parse("::1/128")};
  return nets;
}

bool in_any(const std::vector<rules::Cidr>& nets, const rules::IpBytes& a) {
  return std::any_of(nets.begin(), nets.end(), [&](const rules::Cidr& n) { return n.contains(a); });
}

}  // namespace

rules::IpBytes to_ip_bytes(const boost::asio::ip::address& a) {
  if (a.is_v4()) return rules::IpBytes::from_v4(a.to_v4().to_uint());
  rules::IpBytes ip;
  const auto b = a.to_v6().to_bytes();
  std::copy(b.begin(), b.end(), ip.bytes.begin());
  return ip;
}

DestinationPolicy::DestinationPolicy(DestinationConfig config, std::vector<rules::IpBytes> local,
                                     std::vector<OwnListener> listeners)
    : config_(std::move(config)), local_(std::move(local)) {
  for (const auto& l : listeners) listeners_.push_back({to_ip_bytes(l.address), l.port});
}

DestinationVerdict DestinationPolicy::check_one(const rules::IpBytes& a, std::uint16_t port,
                                                bool routed_here) const noexcept {
  const auto& builtin = builtin_denied();
  const bool in_builtin = std::any_of(builtin.begin(), builtin.end(),
                                      [&](const rules::Cidr& n) { return n.contains(a); });
  const bool own_address =
      routed_here || std::find(local_.begin(), local_.end(), a) != local_.end();
  // One of edugate's own ports on any address of this box (loopback, 0.0.0.0 and the
  // interfaces' addresses all reach a wildcard listener): refused whatever `allow` says.
  const auto& box = this_box();
  const bool on_this_box = own_address || std::any_of(box.begin(), box.end(),
                                                      [&](const auto& n) { return n.contains(a); });
  for (const auto& l : listeners_)
    if (l.port == port && (on_this_box || l.address == a)) return DestinationVerdict::own_service;
  if (in_any(config_.deny, a)) return DestinationVerdict::configured;
  if (in_builtin)
    return in_any(config_.allow, a) ? DestinationVerdict::allowed : DestinationVerdict::builtin;
  // One of the appliance's own addresses: only an `allow` entry naming exactly that address
  // lifts it (an intranet server on the box), never a network that happens to contain it —
  // "allow: [10.0.0.0/8]" must not open the box's own SSH to pupils.
  if (own_address &&
      std::none_of(config_.allow.begin(), config_.allow.end(),
                   [&](const rules::Cidr& n) { return n.single_address() && n.contains(a); }))
    return DestinationVerdict::builtin;
  return DestinationVerdict::allowed;
}

DestinationVerdict DestinationPolicy::check(const rules::IpBytes& a, std::uint16_t port,
                                            bool routed_here) const noexcept {
  const auto verdict = check_one(a, port, routed_here);
  if (verdict != DestinationVerdict::allowed) return verdict;
  if (const auto v4 = rules::embedded_ipv4(a)) return check_one(*v4, port, false);
  return verdict;
}

DestinationVerdict DestinationPolicy::check(const boost::asio::ip::address& a, std::uint16_t port,
                                            bool routed_here) const noexcept {
  return check(to_ip_bytes(a), port, routed_here);
}

}  // namespace edugate::proxy::net
