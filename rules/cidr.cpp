#include "rules/cidr.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace edugate::rules {

IpBytes IpBytes::from_v4(std::uint32_t host_order) {
  IpBytes ip;
  ip.bytes[10] = 0xff;
  ip.bytes[11] = 0xff;
  ip.bytes[12] = static_cast<std::uint8_t>(host_order >> 24);
  ip.bytes[13] = static_cast<std::uint8_t>(host_order >> 16);
  ip.bytes[14] = static_cast<std::uint8_t>(host_order >> 8);
  ip.bytes[15] = static_cast<std::uint8_t>(host_order);
  return ip;
}

bool IpBytes::is_v4() const noexcept {
  for (int i = 0; i < 10; ++i)
    if (bytes[i] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::optional<IpBytes> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) return IpBytes::from_v4(ntohl(v4.s_addr));
  IpBytes ip;
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) return ip;
  return std::nullopt;
}

std::optional<IpBytes> embedded_ipv4(const IpBytes& a) {
  const auto& b = a.bytes;
  auto v4_at = [&](int i0, int i1, int i2, int i3, std::uint8_t flip = 0) {
    return IpBytes::from_v4(std::uint32_t{static_cast<std::uint8_t>(b[i0] ^ flip)} << 24 |
                            std::uint32_t{static_cast<std::uint8_t>(b[i1] ^ flip)} << 16 |
                            std::uint32_t{static_cast<std::uint8_t>(b[i2] ^ flip)} << 8 |
                            std::uint32_t{static_cast<std::uint8_t>(b[i3] ^ flip)});
  };
  auto zero = [&](int from, int to) {
    for (int i = from; i < to; ++i)
      if (b[i] != 0) return false;
    return true;
  };
  if (zero(0, 12)) {  // IPv4-compatible; :: and ::1 are themselves, not 0.0.0.0 and 0.0.0.1
    if (zero(12, 15) && b[15] <= 1) return std::nullopt;
    return v4_at(12, 13, 14, 15);
  }
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (zero(4, 12)) return v4_at(12, 13, 14, 15);                // 64:ff9b::/96
    if (b[4] == 0x00 && b[5] == 0x01) return v4_at(6, 7, 9, 10);  // 64:ff9b:1::/48
  }
  if (b[0] == 0x20 && b[1] == 0x02) return v4_at(2, 3, 4, 5);        // 6to4
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00)  // Teredo client,
    return v4_at(12, 13, 14, 15, 0xff);                              // stored inverted
  return std::nullopt;
}

std::optional<Cidr> Cidr::parse(std::string_view text, std::string* error) {
  auto fail = [&](const char* why) -> std::optional<Cidr> {
    if (error) *error = why;
    return std::nullopt;
  };
  const auto slash = text.find('/');
  const auto addr_text = text.substr(0, slash);
  const auto ip = parse_ip(addr_text);
  if (!ip) return fail("not an IPv4 or IPv6 address");
  Cidr c;
  c.v4 = ip->is_v4() && addr_text.find(':') == std::string_view::npos;
  const int max_prefix = c.v4 ? 32 : 128;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const auto p = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), prefix);
    if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || prefix < 0 ||
        prefix > max_prefix)
      return fail(c.v4 ? "prefix length must be 0..32" : "prefix length must be 0..128");
  }
  c.prefix = static_cast<std::uint8_t>(c.v4 ? prefix + 96 : prefix);
  c.base = *ip;
  for (int bit = c.prefix; bit < 128; ++bit) {
    const auto mask = static_cast<std::uint8_t>(0x80u >> (bit % 8));
    if (c.base.bytes[bit / 8] & mask) return fail("address has bits set below the prefix length");
  }
  return c;
}

bool Cidr::contains(const IpBytes& addr) const noexcept {
  const int full = prefix / 8;
  if (std::memcmp(base.bytes.data(), addr.bytes.data(), full) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xffu << (8 - rest));
  return (base.bytes[full] & mask) == (addr.bytes[full] & mask);
}

std::string Cidr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (v4)
    inet_ntop(AF_INET, base.bytes.data() + 12, buf, sizeof buf);
  else
    inet_ntop(AF_INET6, base.bytes.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(family_prefix());
}

}  // namespace edugate::rules
