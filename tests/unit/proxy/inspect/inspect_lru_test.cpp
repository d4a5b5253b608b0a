// The bounded LRU behind the certificate cache and the "do not inspect" hosts.
#include <gtest/gtest.h>

#include "proxy/inspect/fallback_hosts.hpp"
#include "proxy/inspect/lru_cache.hpp"

namespace edugate::proxy::inspect {
namespace {

TEST(LruCache, EvictsTheLeastRecentlyUsed) {
  LruCache<int> c(3);
  c.put("a", 1);
  c.put("b", 2);
  c.put("c", 3);
  ASSERT_NE(c.find("a"), nullptr);  // a is now the most recent; b the least
  c.put("d", 4);
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.evictions(), 1u);
  EXPECT_EQ(c.find("b"), nullptr);
  EXPECT_EQ(*c.find("a"), 1);
  EXPECT_EQ(*c.find("c"), 3);
  EXPECT_EQ(*c.find("d"), 4);
}

TEST(LruCache, PutReplacesWithoutEvicting) {
  LruCache<int> c(2);
  c.put("a", 1);
  c.put("b", 2);
  c.put("a", 10);  // replace: a becomes most recent
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c.evictions(), 0u);
  c.put("c", 3);  // evicts b
  EXPECT_EQ(c.find("b"), nullptr);
  EXPECT_EQ(*c.find("a"), 10);
}

TEST(LruCache, EraseAndCapacityOne) {
  LruCache<std::string> c(1);
  c.put("a", "x");
  EXPECT_TRUE(c.erase("a"));
  EXPECT_FALSE(c.erase("a"));
  EXPECT_EQ(c.size(), 0u);
  c.put("b", "y");
  c.put("c", "z");
  EXPECT_EQ(c.find("b"), nullptr);
  EXPECT_EQ(*c.find("c"), "z");
}

TEST(LruCache, ManyKeysStayConsistent) {
  LruCache<int> c(100);
  for (int i = 0; i < 10000; ++i) c.put("host" + std::to_string(i), i);
  EXPECT_EQ(c.size(), 100u);
  for (int i = 9900; i < 10000; ++i) ASSERT_EQ(*c.find("host" + std::to_string(i)), i);
  EXPECT_EQ(c.find("host9899"), nullptr);
}

TEST(FallbackHosts, ForgetsAfterTheTtlAndBeyondCapacity) {
  using namespace std::chrono;
  FallbackHosts f(2, minutes(60));
  const auto t0 = FallbackHosts::Clock::time_point(hours(1000));
  f.remember("pinned.app", t0);
  EXPECT_TRUE(f.contains("pinned.app", t0 + minutes(59)));
  EXPECT_FALSE(f.contains("pinned.app", t0 + minutes(60)));
  EXPECT_EQ(f.size(), 0u);  // the expired entry is dropped
  f.remember("a", t0);
  f.remember("b", t0);
  f.remember("c", t0);
  EXPECT_FALSE(f.contains("a", t0));
  EXPECT_TRUE(f.contains("b", t0));
  EXPECT_TRUE(f.contains("c", t0));
  EXPECT_FALSE(f.contains("other", t0));
}

}  // namespace
}  // namespace edugate::proxy::inspect
