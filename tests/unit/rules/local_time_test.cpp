#include "rules/local_time.hpp"

#include <gtest/gtest.h>

#include "rules/rule_set.hpp"

namespace edugate::rules {
namespace {

using std::chrono::sys_days;

TEST(LocalTime, HoChiMinhCityIsUtcPlusSeven) {
  std::string error;
  const auto zone = TimeZone::locate("Asia/Ho_Chi_Minh", error);
  ASSERT_TRUE(zone) << error;
  // 2026-11-23 03:15 UTC is Monday 10:15 in Viet Nam.
  const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(1795403700));
  const LocalTime at = zone->local(when);
  EXPECT_EQ(at.weekday, 0);
  EXPECT_EQ(at.minute_of_day, 10 * 60 + 15);
  EXPECT_EQ(format_local_time(at), "2026-11-23 10:15 Monday");
  // 17:00 UTC on a Sunday is already Monday 00:00 locally.
  const LocalTime midnight =
      zone->local(std::chrono::system_clock::time_point(std::chrono::seconds(1795366800)));
  EXPECT_EQ(midnight.weekday, 0);
  EXPECT_EQ(midnight.minute_of_day, 0);
}

TEST(LocalTime, UnknownZone) {
  std::string error;
  EXPECT_FALSE(TimeZone::locate("Mars/Olympus", error));
  EXPECT_NE(error.find("unknown time zone 'Mars/Olympus'"), std::string::npos);
}

TEST(LocalTime, ParsesAdminInput) {
  const auto at = parse_local_time("2026-11-23 10:15");
  ASSERT_TRUE(at);
  EXPECT_EQ(at->weekday, 0);
  EXPECT_EQ(at->minute_of_day, 615);
  EXPECT_EQ(parse_local_time("2026-11-28T07:00")->weekday, 5);
  for (const char* bad : {"2026-11-31 10:00", "2026-11-23 24:00", "2026-11-23 10:60", "2026-11-23",
                          "23/11/2026 10:15", "2026-1-23 10:15"})
    EXPECT_FALSE(parse_local_time(bad)) << bad;
}

}  // namespace
}  // namespace edugate::rules
