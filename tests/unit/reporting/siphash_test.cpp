#include "reporting/siphash.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace edugate::reporting {
namespace {

// Reference vectors from the SipHash paper's implementation (key 00..0f, message 00..len-1).
std::uint64_t reference(std::size_t len) {
  const SipKey key{0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull};
  std::vector<std::uint8_t> msg(len);
  for (std::size_t i = 0; i < len; ++i) msg[i] = static_cast<std::uint8_t>(i);
  return siphash24(key, msg);
}

TEST(SipHash, MatchesReferenceVectors) {
  EXPECT_EQ(reference(0), 0x726fdb47dd0e0e31ull);
  EXPECT_EQ(reference(8), 0x93f5f5799a932462ull);
  EXPECT_EQ(reference(15), 0xa129ca6149be45e5ull);
}

TEST(SipHash, DependsOnTheKey) {
  const std::vector<std::uint8_t> addr{192, 168, 1, 20};
  EXPECT_NE(siphash24({1, 2}, addr), siphash24({1, 3}, addr));
  EXPECT_EQ(siphash24({1, 2}, addr), siphash24({1, 2}, addr));
}

}  // namespace
}  // namespace edugate::reporting
