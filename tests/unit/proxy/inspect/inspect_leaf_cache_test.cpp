// The per-worker leaf cache: a hit does not mint, concurrent first requests for one host mint
// once (the others wait for that mint), stale leaves are re-minted, capacity is honoured.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <vector>

#include "proxy/inspect/leaf_cache.hpp"
#include "tests/unit/proxy/inspect/inspect_test_ca.hpp"

namespace edugate::proxy::inspect {
namespace {

namespace asio = boost::asio;
using testing::make_test_ca;
using testing::test_now;

class LeafCacheTest : public ::testing::Test {
 protected:
  /// Runs leaf_for(host, now) for every host at once on one io_context (one worker thread).
  std::vector<X509Ptr> fetch(std::vector<std::string> hosts,
                             std::chrono::system_clock::time_point now = test_now()) {
    std::vector<X509Ptr> out(hosts.size());
    for (std::size_t i = 0; i < hosts.size(); ++i)
      asio::co_spawn(
          io_,
          [&, i]() -> asio::awaitable<void> { out[i] = co_await cache_.leaf_for(hosts[i], now); },
          asio::detached);
    io_.restart();
    io_.run();
    return out;
  }

  asio::io_context io_;
  Metrics metrics_;
  LeafCache cache_{make_test_ca(), generate_p256_key(), 2, io_.get_executor(), metrics_};
};

TEST_F(LeafCacheTest, ConcurrentFirstRequestsForOneHostMintOnce) {
  const auto leaves = fetch({"a.test", "a.test", "a.test"});
  ASSERT_TRUE(leaves[0] && leaves[1] && leaves[2]);
  EXPECT_EQ(leaves[0].get(), leaves[1].get());  // the very same certificate object
  EXPECT_EQ(leaves[1].get(), leaves[2].get());
  EXPECT_EQ(metrics_.inspect_mints.load(), 1u);
  EXPECT_EQ(metrics_.inspect_mint_waits.load(), 2u);
  EXPECT_EQ(metrics_.inspect_cache_hits.load(), 0u);
}

TEST_F(LeafCacheTest, LaterRequestsHitTheCache) {
  const auto first = fetch({"a.test"});
  const auto again = fetch({"a.test"});
  EXPECT_EQ(first[0].get(), again[0].get());
  EXPECT_EQ(metrics_.inspect_mints.load(), 1u);
  EXPECT_EQ(metrics_.inspect_cache_hits.load(), 1u);
  EXPECT_EQ(X509_verify(first[0].get(), X509_get0_pubkey(cache_.ca_cert())), 1);
}

TEST_F(LeafCacheTest, DistinctHostsMintSeparatelyWithinCapacity) {
  const auto leaves = fetch({"a.test", "b.test", "c.test"});
  EXPECT_EQ(metrics_.inspect_mints.load(), 3u);
  EXPECT_EQ(cache_.cached(), 2u);  // capacity 2: the oldest went
  fetch({"a.test"});               // evicted: minted again
  EXPECT_EQ(metrics_.inspect_mints.load(), 4u);
  fetch({"c.test"});
  EXPECT_EQ(metrics_.inspect_cache_hits.load(), 1u);
}

TEST_F(LeafCacheTest, LeavesAreRenewedBeforeTheyExpire) {
  const auto first = fetch({"a.test"});
  const auto day6 = fetch({"a.test"}, test_now() + std::chrono::hours(24 * 5));
  EXPECT_EQ(first[0].get(), day6[0].get());
  const auto day7 = fetch({"a.test"}, test_now() + std::chrono::hours(24 * 6 + 1));
  EXPECT_NE(first[0].get(), day7[0].get());
  EXPECT_EQ(metrics_.inspect_mints.load(), 2u);
}

TEST_F(LeafCacheTest, AllLeavesOfAWorkerShareItsKey) {
  const auto leaves = fetch({"a.test", "b.test"});
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(leaves[0].get()), cache_.leaf_key()), 1);
  EXPECT_EQ(EVP_PKEY_eq(X509_get0_pubkey(leaves[1].get()), cache_.leaf_key()), 1);
}

}  // namespace
}  // namespace edugate::proxy::inspect
