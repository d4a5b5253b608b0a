// libFuzzer target for the PROXY protocol v2 header (proxy/net/proxy_protocol): the first 16
// bytes are the fixed part, the rest the address block, as a listener behind a load balancer
// reads them. Besides "no crash, no UB, no read past the block": a block is never longer than
// kProxyV2MaxBlock, a header parses only with a block of exactly the announced length, an IPv4
// family names an IPv4 client, and the client named survives being written back into a header.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "proxy/net/proxy_protocol.hpp"
#include "tests/fuzz/proxy/fuzz_checks.hpp"

namespace net = edugate::proxy::net;
using edugate::fuzz::require;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < net::kProxyV2PrefixSize) {
    require(!net::proxy_v2_block_length(std::span(data, size)));
    return 0;
  }
  const std::span prefix(data, net::kProxyV2PrefixSize);
  const std::span block(data + net::kProxyV2PrefixSize, size - net::kProxyV2PrefixSize);
  const auto length = net::proxy_v2_block_length(prefix);
  const auto header = net::parse_proxy_v2(prefix, block);
  if (length) require(*length <= net::kProxyV2MaxBlock);
  if (!header) return 0;
  require(length && *length == block.size());
  if (!header->source) return 0;
  const bool inet = (prefix[13] & 0xF0) == 0x10;
  require(!inet || header->source->is_v4());
  // Written back as HAProxy would write it, the same client comes out.
  std::vector<std::uint8_t> again(prefix.begin(), prefix.end());
  std::vector<std::uint8_t> addresses;
  if (inet)
    addresses.assign(header->source->bytes.begin() + 12, header->source->bytes.end());
  else
    addresses.assign(header->source->bytes.begin(), header->source->bytes.end());
  addresses.resize(inet ? 12 : 36, 0);
  again[12] = 0x21;
  again[13] = inet ? 0x11 : 0x21;
  again[14] = 0;
  again[15] = static_cast<std::uint8_t>(addresses.size());
  const auto reparsed = net::parse_proxy_v2(std::span(again), std::span(addresses));
  require(reparsed && reparsed->source && *reparsed->source == *header->source);
  return 0;
}
