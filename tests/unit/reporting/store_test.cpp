#include "reporting/store.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fixtures.hpp"
#include "reporting/schema.hpp"
#include "test_support.hpp"

namespace edugate::reporting {
namespace {

using testing::TempDir;

using testing::batch;
using testing::total;

constexpr LocalDay kDay = testing::kStoreDay;

TEST(Store, FlushAddsCountsAndKeepsMaxDevicesAcrossReopen) {
  TempDir dir;
  StoreError error;
  {
    auto store = Store::open({dir.file("s.db")}, &error);
    ASSERT_TRUE(store) << error.message;
    ASSERT_FALSE(store->write(batch(5, 3)));
    ASSERT_FALSE(store->write(batch(7, 2)));  // a restarted process saw fewer devices so far
  }
  auto store = Store::open({dir.file("s.db")}, &error);
  ASSERT_TRUE(store) << error.message;
  EXPECT_EQ(store->integrity_check(), "ok");
  StoreExtract x;
  ASSERT_FALSE(store->read(kDay, kDay, x));
  ASSERT_EQ(x.counts.size(), 1u);
  EXPECT_EQ(x.counts[0].requests, 12u);
  EXPECT_EQ(x.counts[0].day, kDay);
  EXPECT_EQ((x.devices[{kDay, "thcs", "gambling", "block", "*"}]), 3u);
  EXPECT_EQ(x.versions.count("v1"), 1u);
  EXPECT_EQ(x.categories.at("gambling").en, "Gambling");
}

TEST(Store, UsesWalAndRecordsItsSchemaVersion) {
  TempDir dir;
  auto store = Store::open({dir.file("s.db")}, nullptr);
  ASSERT_TRUE(store);
  Statement mode(store->handle(), "PRAGMA journal_mode", nullptr);
  ASSERT_EQ(mode.step(), SQLITE_ROW);
  EXPECT_EQ(mode.text(0), "wal");
  Statement sync(store->handle(), "PRAGMA synchronous", nullptr);
  ASSERT_EQ(sync.step(), SQLITE_ROW);
  EXPECT_EQ(sync.int64(0), 1) << "NORMAL";
  EXPECT_EQ(stored_schema_version(store->handle()), schema_version());
}

TEST(Store, RefusesAStoreFromANewerEdugate) {
  TempDir dir;
  {
    auto store = Store::open({dir.file("s.db")}, nullptr);
    ASSERT_TRUE(exec(store->handle(), "PRAGMA user_version = 99", nullptr));
  }
  StoreError error;
  EXPECT_FALSE(Store::open({dir.file("s.db")}, &error));
  EXPECT_NE(error.message.find("newer"), std::string::npos) << error.message;
}

TEST(Store, RetentionRollsOldHoursIntoDays) {
  TempDir dir;
  auto store = Store::open({dir.file("s.db")}, nullptr);
  ASSERT_TRUE(store);
  for (int h = 0; h < 24; ++h) ASSERT_FALSE(store->write(batch(1, 1, kDay, h)));
  ASSERT_FALSE(store->write(batch(4, 1, kDay + 1, 3)));
  ASSERT_FALSE(store->roll_up(HourBucket{kDay + 1, 0}.index()));
  Statement hourly(store->handle(), "SELECT count(*) FROM hourly", nullptr);
  ASSERT_EQ(hourly.step(), SQLITE_ROW);
  EXPECT_EQ(hourly.int64(0), 1) << "only the recent day stays hourly";
  Statement daily(store->handle(), "SELECT day, requests FROM daily", nullptr);
  ASSERT_EQ(daily.step(), SQLITE_ROW);
  EXPECT_EQ(daily.int64(0), kDay);
  EXPECT_EQ(daily.int64(1), 24);
  // A late hourly row for a rolled-up day is summed with the daily row when read.
  ASSERT_FALSE(store->write(batch(2, 1, kDay, 23)));
  StoreExtract x;
  ASSERT_FALSE(store->read(kDay, kDay + 1, x));
  EXPECT_EQ(total(x), 30u);
  ASSERT_EQ(x.counts.size(), 2u);
  EXPECT_EQ(x.counts[0].requests, 26u);
}

TEST(Store, SizeCapMakesWritesFailWithSqliteFullAndRollsBack) {
  TempDir dir;
  StoreError error;
  auto store = Store::open({dir.file("s.db"), 64 * 1024}, &error);
  ASSERT_TRUE(store) << error.message;
  std::optional<StoreError> failed;
  for (int i = 0; i < 200 && !failed; ++i) {
    FlushBatch b;
    for (int j = 0; j < 200; ++j)
      b.counts[{i * 1000 + j, "g", "c", "block", fmt::format("{}{}", std::string(40, 'a'), j)}] = 1;
    failed = store->write(b);
  }
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->code & 0xff, SQLITE_FULL) << failed->message;
  EXPECT_EQ(store->integrity_check(), "ok");
}

TEST(Store, ReadOnlyOpenCannotWrite) {
  TempDir dir;
  ASSERT_TRUE(Store::open({dir.file("s.db")}, nullptr));
  auto ro = Store::open({dir.file("s.db"), 0, true}, nullptr);
  ASSERT_TRUE(ro);
  const auto failed = ro->write(batch(1, 1));
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->code & 0xff, SQLITE_READONLY) << failed->message;
}

}  // namespace
}  // namespace edugate::reporting
