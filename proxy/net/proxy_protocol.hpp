#pragma once

// The PROXY protocol v2 header a TCP load balancer (HAProxy `send-proxy-v2`) puts before a
// client's bytes to name the client. edugate reads it only on listeners with
// proxy_protocol_from, and only from those peers: from anyone else it would let a pupil claim
// any address (a teacher's network, another pupil's device). Pure and Asio-free, so that it is
// fuzzed as it stands (tests/fuzz/proxy/proxy_protocol_fuzz.cpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rules/cidr.hpp"

namespace edugate::proxy::net {

/// The fixed part: 12-byte signature, version and command, family, length of what follows.
inline constexpr std::size_t kProxyV2PrefixSize = 16;
/// Longest address block accepted, TLVs included (HAProxy sends 12 bytes for IPv4, 36 for IPv6,
/// plus TLVs only when configured to).
inline constexpr std::size_t kProxyV2MaxBlock = 512;

/// The length of the address block that follows the 16-byte `prefix`, or nullopt when `prefix`
/// is not a PROXY v2 header (signature, version 2, command LOCAL or PROXY) or announces a block
/// longer than kProxyV2MaxBlock.
std::optional<std::size_t> proxy_v2_block_length(std::span<const std::uint8_t> prefix);

struct ProxyV2Header {
  /// The client the balancer names; nullopt for LOCAL (the balancer's own connection, e.g. a
  /// health check) and for an UNSPEC family: then the connection's peer stands for itself.
  std::optional<rules::IpBytes> source;
};

/// The whole header: `prefix` (accepted by proxy_v2_block_length) and `block` (exactly that
/// long). nullopt when malformed: a block too short for its family, or a PROXY command for a
/// transport edugate does not serve (UDP, UNIX sockets). TLVs after the addresses are skipped.
std::optional<ProxyV2Header> parse_proxy_v2(std::span<const std::uint8_t> prefix,
                                            std::span<const std::uint8_t> block);

}  // namespace edugate::proxy::net
