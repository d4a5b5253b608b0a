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

bool in_any(const std::vector<rules::Cidr>& nets, const rules::IpBytes& a) {
  return std::any_of(nets.begin(), nets.end(), [&](const rules::Cidr& n) { return n.contains(a); });
}

bool is_loopback_or_unspecified(const rules::IpBytes& a) {
  const auto& n = builtin_denied();
  return n[0].contains(a) || n[1].contains(a) || n[5].contains(a) || n[6].contains(a);
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
    : config_(std::move(config)), local_(std::move(local)), listeners_(std::move(listeners)) {}

bool DestinationPolicy::is_local(const rules::IpBytes& a) const noexcept {
  return is_loopback_or_unspecified(a) ||
         std::find(local_.begin(), local_.end(), a) != local_.end();
}

DestinationVerdict DestinationPolicy::check_one(const rules::IpBytes& a,
                                                std::uint16_t port) const noexcept {
  for (const auto& l : listeners_) {
    if (l.port != port) continue;
    // A wildcard listener answers on every local address; a loopback one on 0.0.0.0 too.
    // Conservatively: any local address at one of our ports is us.
    if (is_local(a) || to_ip_bytes(l.address) == a) return DestinationVerdict::own_service;
  }
  if (in_any(config_.deny, a)) return DestinationVerdict::configured;
  const auto& builtin = builtin_denied();
  const bool in_builtin = std::any_of(builtin.begin(), builtin.end(),
                                      [&](const rules::Cidr& n) { return n.contains(a); });
  if (in_builtin) return in_any(config_.allow, a) ? DestinationVerdict::allowed
                                                  : DestinationVerdict::builtin;
  // One of the appliance's own addresses: only an `allow` entry naming exactly that address
  // lifts it (an intranet server on the box), never a network that happens to contain it —
  // "allow: [10.0.0.0/8]" must not open the box's own SSH to pupils.
  if (std::find(local_.begin(), local_.end(), a) != local_.end() &&
      std::none_of(config_.allow.begin(), config_.allow.end(), [&](const rules::Cidr& n) {
        return n.single_address() && n.contains(a);
      }))
    return DestinationVerdict::builtin;
  return DestinationVerdict::allowed;
}

DestinationVerdict DestinationPolicy::check(const rules::IpBytes& a,
                                            std::uint16_t port) const noexcept {
  const auto verdict = check_one(a, port);
  if (verdict != DestinationVerdict::allowed) return verdict;
  if (const auto v4 = rules::embedded_ipv4(a)) return check_one(*v4, port);
  return verdict;
}

DestinationVerdict DestinationPolicy::check(const boost::asio::ip::address& a,
                                            std::uint16_t port) const noexcept {
  return check(to_ip_bytes(a), port);
}

}  // namespace edugate::proxy::net
