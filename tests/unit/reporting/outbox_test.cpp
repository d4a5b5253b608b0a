#include "reporting/outbox.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace edugate::reporting {
namespace {

using testing::TempDir;

LocalDay day_of(const char* week, int offset = 0) { return parse_iso_week(week)->from + offset; }

TEST(WeeksToQueue, TheLastClosedWeekFirstThenEveryWeekSinceTheNewestQueued) {
  // Turned on in the middle of W48: W47 only (no backfill of older history).
  EXPECT_EQ(weeks_to_queue(day_of("2026-W48", 3), std::nullopt, 12),
            (std::vector<std::string>{"2026-W47"}));
  // W47 queued; on Monday of W48 nothing new has closed.
  EXPECT_TRUE(weeks_to_queue(day_of("2026-W48"), "2026-W47", 12).empty());
  // Down from W48 to W51: W48, W49 and W50 closed meanwhile, oldest first.
  EXPECT_EQ(weeks_to_queue(day_of("2026-W51", 2), "2026-W47", 12),
            (std::vector<std::string>{"2026-W48", "2026-W49", "2026-W50"}));
  // Across the year's end, and capped at max_weeks (the newest kept).
  EXPECT_EQ(weeks_to_queue(day_of("2027-W02"), "2026-W52", 12),
            (std::vector<std::string>{"2026-W53", "2027-W01"}));
  const auto capped = weeks_to_queue(day_of("2027-W30"), "2026-W40", 12);
  ASSERT_EQ(capped.size(), 12u);
  EXPECT_EQ(capped.back(), "2027-W29");
}

TEST(Outbox, KeepsTheFirstDocumentDeliversOldestFirstAndSurvivesReopening) {
  TempDir dir;
  StoreError error;
  {
    auto box = Outbox::open({dir.file("s.db")}, &error);
    ASSERT_TRUE(box) << error.message;
    EXPECT_EQ(box->newest_week("9999-W52"), "");
    ASSERT_FALSE(box->add("2026-W49", "{\"w\":49}", 1000));
    ASSERT_FALSE(box->add("2026-W48", "{\"w\":48}", 900));
    ASSERT_FALSE(box->add("2026-W48", "{\"rebuilt\":true}", 2000));  // never replaced
    ASSERT_FALSE(box->attempted("2026-W48", 1100, "HTTP 503"));
  }
  auto box = Outbox::open({dir.file("s.db")}, &error);
  ASSERT_TRUE(box) << error.message;
  EXPECT_EQ(box->newest_week("9999-W52"), "2026-W49");
  auto first = box->oldest_pending();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->week, "2026-W48");
  EXPECT_EQ(first->document, "{\"w\":48}");
  EXPECT_EQ(first->attempts, 1u);
  EXPECT_EQ(first->last_error, "HTTP 503");
  auto stats = box->stats();
  EXPECT_EQ(stats.pending, 2u);
  EXPECT_EQ(stats.oldest_pending_created, 900);
  ASSERT_FALSE(box->acknowledged("2026-W48", 1200));
  EXPECT_EQ(box->oldest_pending()->week, "2026-W49");
  ASSERT_FALSE(box->acknowledged("2026-W49", 1300));
  EXPECT_FALSE(box->oldest_pending());
  EXPECT_EQ(box->stats().pending, 0u);
  EXPECT_EQ(box->newest_week("9999-W52"), "2026-W49");  // delivered weeks still count
}

// The clock once ran a year ahead (a typo, a board without a real-time clock): the weeks built
// then are not real. Once it is right again they do not hold the real weeks back, and the real
// report of such a week replaces the one built "in the future".
TEST(Outbox, AClockThatRanAheadDoesNotBlockTheRealWeeks) {
  TempDir dir;
  StoreError error;
  auto box = Outbox::open({dir.file("s.db")}, &error);
  ASSERT_TRUE(box) << error.message;
  const std::int64_t real_now = 1796000000, year = 365 * 86400;
  ASSERT_FALSE(box->add("2026-W47", "real W47", real_now - 86400));
  ASSERT_FALSE(box->add("2027-W47", "fake W47 of 2027", real_now + year));
  ASSERT_FALSE(box->acknowledged("2027-W47", real_now + year));
  // Back to the right time, W48 closed: the newest week that counts is W47 of 2026.
  EXPECT_EQ(box->newest_week("2026-W48"), "2026-W47");
  EXPECT_EQ(weeks_to_queue(day_of("2026-W49"), *box->newest_week("2026-W48"), 12),
            (std::vector<std::string>{"2026-W48"}));
  // A year on, the real W47 of 2027 replaces the report built when the clock ran ahead.
  ASSERT_FALSE(box->add("2027-W47", "real W47 of 2027", real_now + year - 3600));
  const auto pending = box->oldest_pending();
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->week, "2026-W47");
  ASSERT_FALSE(box->acknowledged("2026-W47", real_now));
  EXPECT_EQ(box->oldest_pending()->document, "real W47 of 2027");
  // An undelivered week is never dropped for the clock's sake; only the newest 52 are kept.
  ASSERT_FALSE(box->prune(real_now + 10 * year, 12));
  EXPECT_EQ(box->stats().pending, 1u);
}

TEST(Outbox, GivesUpAWeekTheDepartmentRefusesForGoodAndGoesOn) {
  TempDir dir;
  StoreError error;
  auto box = Outbox::open({dir.file("s.db")}, &error);
  ASSERT_TRUE(box) << error.message;
  ASSERT_FALSE(box->add("2026-W47", "refused", 100));
  ASSERT_FALSE(box->add("2026-W48", "fine", 200));
  ASSERT_FALSE(box->rejected("2026-W47", 300));
  EXPECT_EQ(box->oldest_pending()->week, "2026-W48");
  EXPECT_EQ(box->stats().pending, 1u);
  EXPECT_EQ(box->stats().rejected, 1u);
  EXPECT_EQ(weeks_to_queue(day_of("1970-W01", 1), std::nullopt, 12).size(), 0u);  // before 1970
}

TEST(Outbox, PrunesDeliveredAfterKeepWeeksAndKeepsTheNewest52Undelivered) {
  TempDir dir;
  StoreError error;
  auto box = Outbox::open({dir.file("s.db")}, &error);
  ASSERT_TRUE(box) << error.message;
  const std::int64_t day = 86400, now = 400 * day;
  ASSERT_FALSE(box->add("2025-W01", "old pending", now - 370 * day));
  ASSERT_FALSE(box->add("2025-W30", "pending", now - 200 * day));
  ASSERT_FALSE(box->add("2025-W40", "delivered", now - 100 * day));
  ASSERT_FALSE(box->acknowledged("2025-W40", now - 99 * day));
  ASSERT_FALSE(box->add("2025-W50", "delivered recently", now - 20 * day));
  ASSERT_FALSE(box->acknowledged("2025-W50", now - 19 * day));
  ASSERT_FALSE(box->prune(now, 12));
  EXPECT_EQ(box->oldest_pending()->week, "2025-W01");  // undelivered: kept, whatever its age
  EXPECT_EQ(box->stats().pending, 2u);
  EXPECT_EQ(box->newest_week("9999-W52"), "2025-W50");  // delivered 3 weeks ago: kept
}

}  // namespace
}  // namespace edugate::reporting
