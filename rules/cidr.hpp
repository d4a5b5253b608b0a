#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edugate::rules {

/// An IPv4 or IPv6 address as 16 bytes; IPv4 is stored as an IPv4-mapped IPv6 address
/// (::ffff:a.b.c.d) so one comparison covers both families.
struct IpBytes {
  std::array<std::uint8_t, 16> bytes{};
  static IpBytes from_v4(std::uint32_t host_order);
  bool is_v4() const noexcept;
  friend bool operator==(const IpBytes&, const IpBytes&) = default;
};

/// A network in CIDR form (`10.0.0.0/8`, `2001:db8::/32`, or a bare address = /32 or /128).
struct Cidr {
  IpBytes base;             ///< network address with host bits cleared
  std::uint8_t prefix = 0;  ///< prefix length in the 128-bit space (IPv4 /8 is stored as 104)
  bool v4 = false;

  /// Parses text; returns std::nullopt with `error` set when it is not a valid network.
  /// Host bits set below the prefix (`10.1.2.3/8`) are an error: it is almost always a typo.
  static std::optional<Cidr> parse(std::string_view text, std::string* error = nullptr);

  bool contains(const IpBytes& addr) const noexcept;
  /// Prefix length as written by the admin (IPv4 0..32, IPv6 0..128).
  int family_prefix() const noexcept { return v4 ? prefix - 96 : prefix; }
  /// True when the network holds exactly one address (/32 or /128).
  bool single_address() const noexcept { return prefix == 128; }
  std::string to_string() const;
};

/// Parses a textual IPv4 (dotted quad) or IPv6 address.
std::optional<IpBytes> parse_ip(std::string_view text);

/// The IPv4 address an IPv6 address carries and leads to, in IPv4-mapped form: IPv4-compatible
/// (::a.b.c.d, not :: or ::1), NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48, RFC 6052),
/// 6to4 (2002::/16) and Teredo's client (2001::/32, RFC 4380). An IPv4-mapped address already
/// is IPv4 (IpBytes::is_v4) and gives nullopt here, as does every other address. Used so that a
/// destination written as IPv6 meets the rules for the IPv4 address it reaches.
std::optional<IpBytes> embedded_ipv4(const IpBytes& address);

}  // namespace edugate::rules
