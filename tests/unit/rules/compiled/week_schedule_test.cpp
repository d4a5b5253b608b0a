#include "rules/compiled/week_schedule.hpp"

#include <gtest/gtest.h>

#include "rules/compiled/group_policy.hpp"

namespace edugate::rules::compiled {
namespace {

LocalTime t(int weekday, int hour, int minute) {
  LocalTime at;
  at.weekday = static_cast<std::uint8_t>(weekday);
  at.minute_of_day = static_cast<std::uint16_t>(hour * 60 + minute);
  return at;
}

TEST(WeekSchedule, HalfOpenWindowsPerWeekday) {
  WeekSchedule s;
  for (int d = 0; d < 5; ++d) s.add(d, 7 * 60, 16 * 60 + 30);
  s.add(5, 0, 24 * 60);
  EXPECT_FALSE(s.contains(t(0, 6, 59)));
  EXPECT_TRUE(s.contains(t(0, 7, 0)));
  EXPECT_TRUE(s.contains(t(4, 16, 29)));
  EXPECT_FALSE(s.contains(t(4, 16, 30)));
  EXPECT_TRUE(s.contains(t(5, 0, 0)));
  EXPECT_TRUE(s.contains(t(5, 23, 59)));
  EXPECT_FALSE(s.contains(t(6, 12, 0)));
  EXPECT_FALSE(s.contains(t(7, 12, 0)));  // out of range weekday
  EXPECT_FALSE(s.contains(t(0, 24, 0)));  // out of range minute
}

TEST(GroupPolicy, SchoolScheduleBeatsProfileScheduleAndStrongestAmongEquals) {
  std::vector<WeekSchedule> schedules(2);
  schedules[0].add(0, 7 * 60, 17 * 60);  // school hours Monday
  schedules[1].add(0, 9 * 60, 10 * 60);  // break Monday
  GroupPolicy p;
  p.categories.resize(1);
  p.categories[0] = {Action::allow, 1, 0, 0, 3};
  p.scheduled = {
      {0, false, 0, Action::warn, 2, 0},   // profile: warn during school hours
      {0, false, 0, Action::block, 3, 0},  // profile: block during school hours (stronger)
      {1, false, 1, Action::allow, 4, 0},  // school: allow during the break
  };
  EXPECT_EQ(p.verdict(0, t(0, 8, 0), schedules).action, Action::block);
  EXPECT_EQ(p.verdict(0, t(0, 8, 0), schedules).policy_rule, 3u);
  EXPECT_EQ(p.verdict(0, t(0, 9, 30), schedules).action, Action::allow);
  EXPECT_EQ(p.verdict(0, t(0, 9, 30), schedules).policy_rule, 4u);
  const auto evening = p.verdict(0, t(0, 18, 0), schedules);
  EXPECT_EQ(evening.action, Action::allow);
  EXPECT_FALSE(evening.scheduled);
  EXPECT_EQ(evening.policy_rule, 1u);
}

TEST(GroupPolicy, OutsideWindows) {
  std::vector<WeekSchedule> schedules(1);
  schedules[0].add(2, 7 * 60, 16 * 60);
  GroupPolicy p;
  p.categories.resize(1);
  p.categories[0] = {Action::block, 1, 0, 0, 1};
  p.scheduled = {{0, true, 0, Action::allow, 2, 0}};
  EXPECT_EQ(p.verdict(0, t(2, 8, 0), schedules).action, Action::block);
  EXPECT_EQ(p.verdict(0, t(2, 16, 0), schedules).action, Action::allow);
  EXPECT_EQ(p.verdict(0, t(6, 8, 0), schedules).action, Action::allow);
}

}  // namespace
}  // namespace edugate::rules::compiled
