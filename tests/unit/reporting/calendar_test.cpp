#include "reporting/calendar.hpp"

#include <gtest/gtest.h>

namespace edugate::reporting {
namespace {

TEST(Calendar, DatesRoundTrip) {
  const auto d = parse_date("2026-11-16");
  ASSERT_TRUE(d);
  EXPECT_EQ(format_date(*d), "2026-11-16");
  EXPECT_EQ(*parse_date("1970-01-01"), 0);
  EXPECT_EQ(iso_weekday(*d), 1) << "16 Nov 2026 is a Monday";
  EXPECT_FALSE(parse_date("2026-02-30"));
  EXPECT_FALSE(parse_date("2026-1-01"));
  EXPECT_FALSE(parse_date("20261101xx"));
}

TEST(Calendar, IsoWeeks) {
  const auto w47 = parse_iso_week("2026-W47");
  ASSERT_TRUE(w47);
  EXPECT_EQ(format_date(w47->from), "2026-11-16");
  EXPECT_EQ(format_date(w47->to), "2026-11-22");
  EXPECT_EQ(iso_week_of(w47->from + 3), "2026-W47");
  // 2026 starts on a Thursday: it has 53 weeks; 2025 has 52; W01 of 2025 starts in 2024.
  EXPECT_EQ(format_date(parse_iso_week("2026-W53")->to), "2027-01-03");
  EXPECT_FALSE(parse_iso_week("2025-W53"));
  EXPECT_EQ(format_date(parse_iso_week("2025-W01")->from), "2024-12-30");
  EXPECT_EQ(iso_week_of(*parse_date("2027-01-01")), "2026-W53");
  EXPECT_FALSE(parse_iso_week("2026W47"));
  EXPECT_FALSE(parse_iso_week("2026-W00"));
}

}  // namespace
}  // namespace edugate::reporting
