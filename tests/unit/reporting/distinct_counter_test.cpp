#include "reporting/distinct_counter.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "reporting/hyperloglog.hpp"

namespace edugate::reporting {
namespace {

TEST(DistinctCounter, ExactUpToTheLimitIgnoringRepeatsAndUnknown) {
  DistinctCounter c;
  for (int round = 0; round < 40; ++round)
    for (std::uint64_t d = 1; d <= 9; ++d) c.add(d * 7919);
  c.add(0);
  EXPECT_EQ(c.count(), 9u);
  EXPECT_TRUE(c.exact());
  for (std::uint64_t d = 10; d <= DistinctCounter::kExactLimit; ++d) c.add(d * 7919);
  EXPECT_EQ(c.count(), DistinctCounter::kExactLimit);
  EXPECT_TRUE(c.exact());
}

TEST(DistinctCounter, PromotedCountNeverDropsBelowTheLimit) {
  DistinctCounter c;
  for (std::uint64_t d = 1; d <= DistinctCounter::kExactLimit + 1; ++d) c.add(d);
  EXPECT_FALSE(c.exact());
  EXPECT_GE(c.count(), DistinctCounter::kExactLimit + 1);
}

TEST(DistinctCounter, MergeIsAUnion) {
  DistinctCounter a, b;
  for (std::uint64_t d = 1; d <= 6; ++d) a.add(d);
  for (std::uint64_t d = 4; d <= 12; ++d) b.add(d);
  a.merge(b);
  EXPECT_EQ(a.count(), 12u);
  DistinctCounter big;
  for (std::uint64_t d = 1; d <= 1000; ++d) big.add(d);
  a.merge(big);
  EXPECT_NEAR(static_cast<double>(a.count()), 1000.0, 1000.0 * 4 * HyperLogLog::kStandardError);
}

// HLL accuracy: across several cardinalities and seeds, the error stays within 4 standard
// errors (a failure would be a 1-in-15,000 event for a correct implementation).
TEST(HyperLogLog, EstimatesWithinItsStatedError) {
  for (const std::uint64_t n : {100u, 1'000u, 10'000u, 100'000u, 1'000'000u}) {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      HyperLogLog h;
      for (std::uint64_t i = 0; i < n; ++i) h.add(i * 0x9e3779b97f4a7c15ull + seed);
      const double err = std::abs(h.estimate() - static_cast<double>(n)) / static_cast<double>(n);
      EXPECT_LT(err, 4 * HyperLogLog::kStandardError) << "n=" << n << " seed=" << seed;
    }
  }
}

TEST(HyperLogLog, MergeEstimatesTheUnion) {
  HyperLogLog a, b;
  for (std::uint64_t i = 0; i < 30'000; ++i) a.add(i);
  for (std::uint64_t i = 20'000; i < 50'000; ++i) b.add(i);
  a.merge(b);
  EXPECT_NEAR(a.estimate(), 50'000.0, 50'000.0 * 4 * HyperLogLog::kStandardError);
}

}  // namespace
}  // namespace edugate::reporting
