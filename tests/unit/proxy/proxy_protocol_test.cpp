// The PROXY protocol v2 header HAProxy's send-proxy-v2 writes before a client's bytes: what
// names the client is accepted, anything else (another version, a short block, UDP or UNIX
// families, an oversized block) is refused, and LOCAL or UNSPEC leave the peer as the client.
#include "proxy/net/proxy_protocol.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace edugate::proxy::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes prefix(std::uint8_t ver_cmd, std::uint8_t family, std::size_t length) {
  Bytes p{0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
  p.push_back(ver_cmd);
  p.push_back(family);
  p.push_back(static_cast<std::uint8_t>(length >> 8));
  p.push_back(static_cast<std::uint8_t>(length & 0xFF));
  return p;
}

std::optional<ProxyV2Header> parse(const Bytes& p, const Bytes& block) {
  return parse_proxy_v2(p, block);
}

TEST(ProxyProtocolV2, Ipv4ClientIsNamed) {
  // 10.40.1.7:51000 → 10.0.0.1:3128, as HAProxy sends it.
  const Bytes block{10, 40, 1, 7, 10, 0, 0, 1, 0xC7, 0x38, 0x0C, 0x38};
  const auto p = prefix(0x21, 0x11, block.size());
  ASSERT_EQ(proxy_v2_block_length(p), 12u);
  const auto h = parse(p, block);
  ASSERT_TRUE(h && h->source);
  EXPECT_EQ(*h->source, rules::IpBytes::from_v4(0x0A280107));
}

TEST(ProxyProtocolV2, Ipv6ClientIsNamedAndTlvsAreSkipped) {
  Bytes block(36, 0);
  block[0] = 0x20;
  block[1] = 0x01;
  block[2] = 0x0d;
  block[3] = 0xb8;
  block[15] = 0x42;
  const Bytes tlv{0x04, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF};  // PP2_TYPE_NOOP
  block.insert(block.end(), tlv.begin(), tlv.end());
  const auto p = prefix(0x21, 0x21, block.size());
  const auto h = parse(p, block);
  ASSERT_TRUE(h && h->source);
  EXPECT_EQ(h->source->bytes[0], 0x20);
  EXPECT_EQ(h->source->bytes[15], 0x42);
  EXPECT_FALSE(h->source->is_v4());
}

TEST(ProxyProtocolV2, LocalAndUnspecLeaveThePeerAsTheClient) {
  const auto local = parse(prefix(0x20, 0x00, 0), {});
  ASSERT_TRUE(local);
  EXPECT_FALSE(local->source);
  const auto unspec = parse(prefix(0x21, 0x00, 0), {});
  ASSERT_TRUE(unspec);
  EXPECT_FALSE(unspec->source);
  const auto local_with_addresses = parse(prefix(0x20, 0x11, 12), Bytes(12, 1));
  ASSERT_TRUE(local_with_addresses);
  EXPECT_FALSE(local_with_addresses->source) << "LOCAL ignores the addresses";
}

TEST(ProxyProtocolV2, AnythingElseIsRefused) {
  // Not the signature: a client speaking HTTP (or PROXY v1 text) straight away.
  const std::string get = "GET http://x.test/ HTTP/1.1\r\n";
  EXPECT_FALSE(proxy_v2_block_length(Bytes(get.begin(), get.begin() + 16)));
  const std::string v1 = "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n";
  EXPECT_FALSE(proxy_v2_block_length(Bytes(v1.begin(), v1.begin() + 16)));
  EXPECT_FALSE(proxy_v2_block_length(prefix(0x11, 0x11, 12)));  // version 1 in binary
  EXPECT_FALSE(proxy_v2_block_length(prefix(0x22, 0x11, 12)));  // unknown command
  EXPECT_FALSE(proxy_v2_block_length(prefix(0x21, 0x11, kProxyV2MaxBlock + 1)));
  EXPECT_TRUE(proxy_v2_block_length(prefix(0x21, 0x11, kProxyV2MaxBlock)));
  auto shorter = prefix(0x21, 0x11, 12);
  shorter.pop_back();
  EXPECT_FALSE(proxy_v2_block_length(shorter));
  // A block too short for its family, UDP, UNIX sockets, a block of the wrong length.
  EXPECT_FALSE(parse(prefix(0x21, 0x11, 11), Bytes(11, 1)));
  EXPECT_FALSE(parse(prefix(0x21, 0x21, 12), Bytes(12, 1)));
  EXPECT_FALSE(parse(prefix(0x21, 0x12, 12), Bytes(12, 1)));
  EXPECT_FALSE(parse(prefix(0x21, 0x31, 216), Bytes(216, 1)));
  EXPECT_FALSE(parse(prefix(0x21, 0x11, 12), Bytes(13, 1)));
}

}  // namespace
}  // namespace edugate::proxy::net
