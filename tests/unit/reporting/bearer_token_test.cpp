#include "reporting/bearer_token.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "reporting/token_bucket.hpp"

namespace edugate::reporting {
namespace {

TEST(BearerToken, HashIsSha256Hex) {
  EXPECT_EQ(hash_token("abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(valid_token_hash(hash_token("abc")));
  EXPECT_FALSE(valid_token_hash("sha256:BA78"));
  EXPECT_FALSE(valid_token_hash("abc"));
}

TEST(BearerToken, NewTokensAreLongRandomAndMatchOnlyTheirHash) {
  const auto a = new_token(), b = new_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_of("+/="), std::string::npos) << "URL-safe";
  const std::vector<std::string> stored{"garbage", hash_token(b), hash_token(a)};
  EXPECT_TRUE(token_matches(a, stored));
  EXPECT_TRUE(token_matches(b, stored));
  EXPECT_FALSE(token_matches(a + "x", stored));
  EXPECT_FALSE(token_matches("", stored));
  EXPECT_FALSE(token_matches(a, {}));
}

TEST(BearerToken, ParsesTheAuthorizationHeader) {
  EXPECT_EQ(bearer_token("Bearer abc.def"), "abc.def");
  EXPECT_EQ(bearer_token("bearer   tok  "), "tok");
  EXPECT_FALSE(bearer_token("Basic dXNlcjpwYXNz"));
  EXPECT_FALSE(bearer_token("Bearer"));
  EXPECT_FALSE(bearer_token("Bearer a b"));
  EXPECT_FALSE(bearer_token("Bearerabc"));
}

TEST(TokenBucket, AllowsABurstThenRefillsAtTheRate) {
  using namespace std::chrono_literals;
  const TokenBucket::Clock::time_point t0{};
  TokenBucket bucket(0.5, 3, t0);  // 30 per minute, burst 3
  EXPECT_TRUE(bucket.try_take(t0));
  EXPECT_TRUE(bucket.try_take(t0));
  EXPECT_TRUE(bucket.try_take(t0));
  EXPECT_FALSE(bucket.try_take(t0));
  EXPECT_DOUBLE_EQ(bucket.wait_seconds(t0), 2.0);
  EXPECT_FALSE(bucket.try_take(t0 + 1s));
  EXPECT_TRUE(bucket.try_take(t0 + 2s));
  EXPECT_FALSE(bucket.try_take(t0 + 1s)) << "time going backwards adds nothing";
  EXPECT_TRUE(bucket.try_take(t0 + 1h));
  EXPECT_TRUE(bucket.try_take(t0 + 1h));
  EXPECT_TRUE(bucket.try_take(t0 + 1h));
  EXPECT_FALSE(bucket.try_take(t0 + 1h)) << "never more than the burst";
}

}  // namespace
}  // namespace edugate::reporting
