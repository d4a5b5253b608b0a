#include "proxy/policy/report_guard.hpp"

#include <gtest/gtest.h>

namespace edugate::proxy::policy {
namespace {

using Admit = ReportGuard::Admit;

TEST(ReportGuard, CountsADeviceOncePerDomainAndAFewTimesADay) {
  ReportGuard g(2, 100);
  EXPECT_EQ(g.admit(1, 10, "a.test"), Admit::counted);
  EXPECT_EQ(g.admit(1, 10, "a.test"), Admit::repeat);
  EXPECT_EQ(g.admit(1, 10, "b.test"), Admit::counted);
  EXPECT_EQ(g.admit(1, 10, "c.test"), Admit::over_limit);
  EXPECT_EQ(g.admit(1, 11, "c.test"), Admit::counted);  // a new day
  EXPECT_EQ(g.admit(reporting::kNoDevice, 11, "d.test"), Admit::over_limit);
}

TEST(ReportGuard, AFullTableMakesRoomOnlyFromOtherDays) {
  ReportGuard g(3, 2);
  EXPECT_EQ(g.admit(1, 10, "a.test"), Admit::counted);
  EXPECT_EQ(g.admit(2, 10, "a.test"), Admit::counted);
  EXPECT_EQ(g.admit(3, 10, "a.test"), Admit::over_limit);  // full of today's devices
  EXPECT_EQ(g.admit(1, 10, "b.test"), Admit::counted);     // known devices go on
  EXPECT_EQ(g.admit(3, 11, "a.test"), Admit::counted);     // yesterday's swept out
  EXPECT_EQ(g.admit(4, 11, "a.test"), Admit::counted);
  EXPECT_EQ(g.admit(5, 11, "a.test"), Admit::over_limit);  // swept once today already
  EXPECT_EQ(g.admit(3, 11, "b.test"), Admit::counted);
}

TEST(ReportGuard, TokensAreBoundToTheDeviceAndTheDay) {
  ReportGuard g;
  const auto t = g.token(7, 100);
  EXPECT_TRUE(g.valid(t, 7, 100));
  EXPECT_FALSE(g.valid(t, 8, 100));
  EXPECT_FALSE(g.valid(t, 7, 101));
  EXPECT_FALSE(g.valid("", 7, 100));
  EXPECT_FALSE(ReportGuard().valid(t, 7, 100));  // another key: another appliance run
}

}  // namespace
}  // namespace edugate::proxy::policy
