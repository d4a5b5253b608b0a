#include "reporting/aggregator.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "fixtures.hpp"
#include "reporting/device_keyring.hpp"

namespace edugate::reporting {
namespace {

using testing::address;
using testing::allow;
using testing::block;

constexpr LocalDay kDay = 20'000;
constexpr HourBucket kHour{kDay, 9};

std::uint64_t requests(const FlushBatch& b, const std::string& grp, const std::string& cat,
                       const std::string& action, const std::string& domain) {
  const auto it = b.counts.find({kHour.index(), grp, cat, action, domain});
  return it == b.counts.end() ? 0 : it->second;
}

std::uint64_t devices(const FlushBatch& b, const std::string& grp, const std::string& cat,
                      const std::string& action, const std::string& domain = "*") {
  const auto it = b.devices.find({kDay, grp, cat, action, domain});
  return it == b.devices.end() ? 0 : it->second;
}

class AggregatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ring.rotate(kDay);
    recorder.set_labels(testing::sample_labels());
  }
  DeviceKey dev(int n) { return device_key(ring, address(n), kDay); }

  DeviceKeyring ring;
  Aggregator agg;
  Recorder& recorder = agg.add_recorder();
};

TEST_F(AggregatorTest, CountsByStableKeysAndRegistrableDomain) {
  for (int i = 0; i < 5; ++i) recorder.count(block(0), 1, kHour, "www.bet.example.com.vn", dev(1));
  recorder.count(block(0), 1, kHour, "m.bet.example.com.vn", dev(2));
  recorder.count(allow(), 1, kHour, "news.example.org", dev(1));
  const auto b = agg.collect(kDay);
  EXPECT_EQ(requests(b, "thcs", "gambling", "block", "example.com.vn"), 6u);
  EXPECT_EQ(requests(b, "thcs", "", "allow", ""), 1u) << "allowed requests keep no domain";
  EXPECT_EQ(b.counts.size(), 2u);
  EXPECT_EQ(devices(b, "thcs", "gambling", "block"), 2u);
  EXPECT_EQ(devices(b, "*", "gambling", "block", "example.com.vn"), 2u);
  EXPECT_EQ(devices(b, "thcs", "*", "*"), 2u) << "all requests of the group";
  EXPECT_EQ(devices(b, "*", "*", "*"), 2u);
  EXPECT_EQ(b.versions.count({kDay, "dept-2026.47"}), 1u);
  EXPECT_EQ(b.categories.at("gambling").vi, "Cờ bạc");
  EXPECT_EQ(b.groups.at("thcs").name, "THCS lớp 6–9");
}

TEST_F(AggregatorTest, DevicesAreDistinctPerDayAcrossFlushes) {
  for (int n = 0; n < 4; ++n) recorder.count(block(1), 2, kHour, "x.example", dev(n));
  EXPECT_EQ(devices(agg.collect(kDay), "thpt", "adult", "block"), 4u);
  for (int n = 2; n < 7; ++n)
    recorder.count(block(1), 2, HourBucket{kDay, 10}, "x.example", dev(n));
  const auto b = agg.collect(kDay);
  EXPECT_EQ(devices(b, "thpt", "adult", "block"), 7u) << "union over the day, not a sum";
  EXPECT_TRUE(agg.collect(kDay).devices.empty()) << "unchanged cells are not rewritten";
}

TEST_F(AggregatorTest, UnknownDeviceCountsRequestsButNoDevice) {
  recorder.count(block(2), 0, kHour, "game.example", kNoDevice);
  const auto b = agg.collect(kDay);
  EXPECT_EQ(requests(b, "staff", "games", "block", "game.example"), 1u);
  EXPECT_EQ(devices(b, "staff", "games", "block"), 0u);
}

TEST_F(AggregatorTest, AKeyCarriedPastMidnightCountsNoDevice) {
  ring.rotate(kDay);
  const auto yesterdays = dev(1);  // e.g. computed when a keep-alive connection was opened
  recorder.count(block(0), 1, HourBucket{kDay + 1, 0}, "a.example", yesterdays);
  recorder.count(block(0), 1, HourBucket{kDay + 1, 0}, "a.example",
                 device_key(ring, address(1), kDay + 1));
  const auto b = agg.collect(kDay + 1);
  const auto it = b.devices.find({kDay + 1, "thcs", "gambling", "block", "*"});
  ASSERT_NE(it, b.devices.end());
  EXPECT_EQ(it->second, 1u) << "one device, not two";
  EXPECT_EQ(b.counts.begin()->second, 2u) << "both requests still count";
}

TEST_F(AggregatorTest, ReviewRequestsAndSiteReportsAreEventsNotRequests) {
  recorder.count_review_request(0, 1, kHour, "bet.example.com", dev(1));
  recorder.count_site_report(1, kHour, "bad.example.net", dev(2));
  const auto b = agg.collect(kDay);
  // Kept by the day, never the hour a pupil sent it (the timetable could point to a class).
  EXPECT_EQ(requests(b, "thcs", "gambling", "review_request", "example.com"), 0u);
  const auto at_day = [&](const std::string& cat, const std::string& action,
                          const std::string& domain) {
    const auto it = b.counts.find({HourBucket{kDay, 0}.index(), "thcs", cat, action, domain});
    return it == b.counts.end() ? 0 : it->second;
  };
  EXPECT_EQ(at_day("gambling", "review_request", "example.com"), 1u);
  EXPECT_EQ(at_day("", "site_report", "example.net"), 1u);
  EXPECT_EQ(devices(b, "thcs", "*", "*"), 0u) << "events are not part of the request totals";
  EXPECT_EQ(devices(b, "thcs", "*", "site_report"), 1u);
}

TEST_F(AggregatorTest, OldDaysSketchesAreForgotten) {
  recorder.count(block(0), 1, kHour, "a.example", dev(1));
  agg.collect(kDay);
  EXPECT_GT(agg.sketch_count(), 0u);
  agg.collect(kDay + 2);
  EXPECT_EQ(agg.sketch_count(), 0u);
}

TEST(AggregatorThreads, ConcurrentCountingAndCollectingLoseNothing) {
  DeviceKeyring ring;
  ring.rotate(kDay);
  Aggregator agg;
  constexpr int kPerThread = 200'000;
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t) {
    Recorder& r = agg.add_recorder();
    workers.emplace_back([&r, &ring, t] {
      r.set_labels(testing::sample_labels());
      for (int i = 0; i < kPerThread; ++i)
        r.count(i % 10 ? allow() : block(0), static_cast<rules::GroupId>(t),
                HourBucket{kDay, static_cast<std::uint8_t>(i % 3)}, "bet.example",
                device_key(ring, address(i % 50), kDay));
    });
  }
  std::uint64_t total = 0, blocked = 0;
  auto add = [&](const FlushBatch& b) {
    for (const auto& [cell, n] : b.counts) {
      total += n;
      if (cell.action == "block") blocked += n;
    }
  };
  for (int i = 0; i < 200; ++i) add(agg.collect(kDay));
  for (auto& w : workers) w.join();
  const auto last = agg.collect(kDay);
  add(last);
  EXPECT_EQ(total, 2u * kPerThread);
  EXPECT_EQ(blocked, 2u * kPerThread / 10);
}

}  // namespace
}  // namespace edugate::reporting

namespace edugate::reporting {
namespace {

TEST(AggregatorLabels, ANewRuleSetAdoptedBetweenFlushesIsNamedRight) {
  Aggregator agg;
  Recorder& r = agg.add_recorder();
  r.set_labels(testing::sample_labels("v1"));
  agg.collect(kDay);  // the registry's names are copied here, before v2 exists
  auto v2 = testing::sample_labels("v2");
  v2.categories.push_back({"violence", "Bạo lực", "Violence"});
  r.set_labels(v2);
  r.count(block(3), 1, kHour, "fight.example", 7);
  const auto b = agg.collect(kDay);
  EXPECT_EQ(requests(b, "thcs", "violence", "block", "fight.example"), 1u);
  EXPECT_EQ(b.versions.count({kDay, "v2"}), 1u);
}

}  // namespace
}  // namespace edugate::reporting
