#include "proxy/net/proxy_protocol.hpp"

#include <algorithm>
#include <array>

namespace edugate::proxy::net {

namespace {

constexpr std::array<std::uint8_t, 12> kSignature{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
                                                  0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
constexpr std::uint8_t kVersion2 = 0x20;
constexpr std::uint8_t kLocal = 0x00, kProxy = 0x01;
constexpr std::uint8_t kUnspec = 0x00, kInet = 0x10, kInet6 = 0x20;
constexpr std::uint8_t kStream = 0x01;
constexpr std::size_t kInetBlock = 12, kInet6Block = 36;

}  // namespace

std::optional<std::size_t> proxy_v2_block_length(std::span<const std::uint8_t> prefix) {
  if (prefix.size() != kProxyV2PrefixSize ||
      !std::equal(kSignature.begin(), kSignature.end(), prefix.begin()))
    return std::nullopt;
  const std::uint8_t version = prefix[12] & 0xF0, command = prefix[12] & 0x0F;
  if (version != kVersion2 || (command != kLocal && command != kProxy)) return std::nullopt;
  const std::size_t length = static_cast<std::size_t>(prefix[14]) << 8 | prefix[15];
  if (length > kProxyV2MaxBlock) return std::nullopt;
  return length;
}

std::optional<ProxyV2Header> parse_proxy_v2(std::span<const std::uint8_t> prefix,
                                            std::span<const std::uint8_t> block) {
  const auto length = proxy_v2_block_length(prefix);
  if (!length || block.size() != *length) return std::nullopt;
  if ((prefix[12] & 0x0F) == kLocal) return ProxyV2Header{};
  const std::uint8_t family = prefix[13] & 0xF0, transport = prefix[13] & 0x0F;
  if (family == kUnspec) return ProxyV2Header{};
  if (transport != kStream) return std::nullopt;
  rules::IpBytes source;
  if (family == kInet && block.size() >= kInetBlock) {
    const std::uint32_t v4 = static_cast<std::uint32_t>(block[0]) << 24 |
                             static_cast<std::uint32_t>(block[1]) << 16 |
                             static_cast<std::uint32_t>(block[2]) << 8 | block[3];
    source = rules::IpBytes::from_v4(v4);
  } else if (family == kInet6 && block.size() >= kInet6Block) {
    std::copy_n(block.begin(), 16, source.bytes.begin());
  } else {
    return std::nullopt;  // UNIX sockets, or a block too short for its family
  }
  return ProxyV2Header{source};
}

}  // namespace edugate::proxy::net
