// The department dashboard's sessions: random ids, idle and absolute expiry, a bounded table,
// sign-out, and the cookie parse (a look-alike cookie name is not the session).

#include "proxy/department/dashboard_sessions.hpp"

#include <gtest/gtest.h>

#include <set>

namespace edugate::proxy::department {
namespace {

using namespace std::chrono_literals;
using Clock = DashboardSessions::Clock;

TEST(DashboardSessions, AnOpenedSessionIsRecognisedAndNothingElseIs) {
  DashboardSessions sessions;
  const auto t0 = Clock::now();
  const auto id = sessions.open(t0);
  ASSERT_EQ(id.size(), 64u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_TRUE(sessions.check(id, t0 + 1s));
  auto other = id;
  other[0] = other[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(sessions.check(other, t0 + 1s));
  EXPECT_FALSE(sessions.check(id.substr(0, 63), t0 + 1s));
  EXPECT_FALSE(sessions.check("", t0 + 1s));
  std::set<std::string> ids{id};
  for (int i = 0; i < 50; ++i) ids.insert(sessions.open(t0));
  EXPECT_EQ(ids.size(), 51u);  // from the CSPRNG: never the same twice
}

TEST(DashboardSessions, ASessionEndsWhenIdleAndAfterItsLifetimeEvenIfUsed) {
  DashboardSessions sessions(16, 2h, 12h);
  const auto t0 = Clock::now();
  const auto idle = sessions.open(t0);
  EXPECT_TRUE(sessions.check(idle, t0 + 119min));
  EXPECT_FALSE(sessions.check(idle, t0 + 119min + 2h + 1s));
  const auto busy = sessions.open(t0);
  for (auto t = t0 + 1h; t < t0 + 12h; t += 1h) EXPECT_TRUE(sessions.check(busy, t));
  EXPECT_FALSE(sessions.check(busy, t0 + 12h + 1s));
}

TEST(DashboardSessions, TheTableIsBoundedByEndingTheOldest) {
  DashboardSessions sessions(3);
  const auto t0 = Clock::now();
  const auto first = sessions.open(t0);
  const auto second = sessions.open(t0 + 1s);
  const auto third = sessions.open(t0 + 2s);
  const auto fourth = sessions.open(t0 + 3s);
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_FALSE(sessions.check(first, t0 + 4s));
  EXPECT_TRUE(sessions.check(second, t0 + 4s));
  EXPECT_TRUE(sessions.check(third, t0 + 4s));
  EXPECT_TRUE(sessions.check(fourth, t0 + 4s));
}

TEST(DashboardSessions, SigningOutEndsTheSession) {
  DashboardSessions sessions;
  const auto t0 = Clock::now();
  const auto id = sessions.open(t0);
  sessions.close(id);
  EXPECT_FALSE(sessions.check(id, t0));
  EXPECT_EQ(sessions.size(), 0u);
}

TEST(DashboardSessions, TheSessionIdIsReadFromItsOwnCookieOnly) {
  EXPECT_EQ(DashboardSessions::id_in("a=1; edugate_department_session=abc; b=2"), "abc");
  EXPECT_EQ(DashboardSessions::id_in("edugate_department_session=xyz"), "xyz");
  EXPECT_EQ(DashboardSessions::id_in("edugate_department_session_old=1; x=2"), "");
  EXPECT_EQ(DashboardSessions::id_in("xedugate_department_session=1"), "");
  EXPECT_EQ(DashboardSessions::id_in(""), "");
  EXPECT_EQ(DashboardSessions::id_in(";;; ="), "");
}

}  // namespace
}  // namespace edugate::proxy::department
