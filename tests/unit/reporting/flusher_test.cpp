#include "reporting/flusher.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "fixtures.hpp"
#include "reporting/log_throttle.hpp"
#include "test_support.hpp"

namespace edugate::reporting {
namespace {

using testing::TempDir;

constexpr LocalDay kDay = 20'500;

std::uint64_t stored_total(const std::string& path) {
  auto store = Store::open({path, 0, true}, nullptr);
  if (!store) return 0;
  StoreExtract x;
  if (store->read(0, kDay + 1000, x)) return 0;
  std::uint64_t t = 0;
  for (const auto& c : x.counts) t += c.requests;
  return t;
}

TEST(Flusher, UnavailableStoreKeepsCountsPendingUntilItWorks) {
  TempDir dir;
  const auto sub = dir.path() / "later";
  Aggregator agg;
  Recorder& r = agg.add_recorder();
  r.set_labels(testing::sample_labels());
  Flusher flusher(agg, {{(sub / "s.db").string()}, 8});
  for (int i = 0; i < 3; ++i) r.count(testing::block(0), 1, {kDay, 8}, "a.example", 1);
  const auto first = flusher.flush(kDay);
  ASSERT_FALSE(first.ok());
  auto m = flusher.metrics();
  EXPECT_EQ(m.flushes_failed, 1u);
  EXPECT_EQ(m.last_error_code & 0xff, SQLITE_CANTOPEN);
  EXPECT_FALSE(m.last_error.empty());
  EXPECT_GT(m.pending_rows, 0u);

  std::filesystem::create_directories(sub);
  r.count(testing::block(0), 1, {kDay, 9}, "a.example", 1);
  ASSERT_TRUE(flusher.flush(kDay).ok());
  m = flusher.metrics();
  EXPECT_EQ(m.flushes_ok, 1u);
  EXPECT_EQ(m.pending_rows, 0u);
  EXPECT_EQ(m.consecutive_failures, 0u);
  EXPECT_TRUE(m.last_error.empty());
  EXPECT_EQ(stored_total((sub / "s.db").string()), 4u) << "nothing counted while down was lost";
}

TEST(Flusher, FullStoreReportsErrorAndDropsOldestBeyondTheCap) {
  TempDir dir;
  Aggregator agg;
  Recorder& r = agg.add_recorder();
  r.set_labels(testing::sample_labels());
  Flusher flusher(agg, {{dir.file("s.db"), 1 << 20}, 8, 50});
  bool failed = false;
  for (int round = 0; round < 400 && !failed; ++round) {
    for (int h = 0; h < 24; ++h)
      for (int d = 0; d < 20; ++d)
        r.count(testing::block(0), 1, {kDay - round, static_cast<std::uint8_t>(h)},
                fmt::format("site{}-{}.example", d, std::string(60, 'x')), 1);
    failed = !flusher.flush(kDay).ok();
  }
  ASSERT_TRUE(failed) << "the 1 MiB cap was never reached";
  const auto m = flusher.metrics();
  EXPECT_EQ(m.last_error_code & 0xff, SQLITE_FULL) << m.last_error;
  EXPECT_LE(m.pending_rows, 50u + 10u);
  EXPECT_GT(m.rows_dropped, 0u);
  auto store = Store::open({dir.file("s.db"), 0, true}, nullptr);
  ASSERT_TRUE(store);
  EXPECT_EQ(store->integrity_check(), "ok");
}

// A store the process may not write (as a non-root user): flush returns an error, counting goes
// on. Run in a child so that dropping privileges does not affect the test runner.
TEST(Flusher, ReadOnlyStoreIsAnErrorValueNotACrash) {
  TempDir dir;
  const auto path = dir.file("s.db");
  ASSERT_TRUE(Store::open({path}, nullptr));
  ::chmod(path.c_str(), 0444);
  ::chmod(dir.path().c_str(), 0555);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && ::setuid(65534) != 0) ::_exit(3);
    Aggregator agg;
    Recorder& r = agg.add_recorder();
    r.count(testing::block(0), 0, {kDay, 1}, "x.example", 1);
    Flusher flusher(agg, {{path}, 8});
    const auto outcome = flusher.flush(kDay);
    const auto m = flusher.metrics();
    ::_exit(!outcome.ok() && m.flushes_failed == 1 && !m.last_error.empty() ? 0 : 1);
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  ::chmod(dir.path().c_str(), 0755);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(Flusher, RetentionRollsUpOncePerDay) {
  TempDir dir;
  Aggregator agg;
  Recorder& r = agg.add_recorder();
  Flusher flusher(agg, {{dir.file("s.db")}, 1});
  r.count(testing::allow(), 0, {kDay - 10, 5}, "", 1);
  r.count(testing::allow(), 0, {kDay, 5}, "", 1);
  ASSERT_TRUE(flusher.flush(kDay).ok());
  auto store = Store::open({dir.file("s.db"), 0, true}, nullptr);
  Statement s(store->handle(), "SELECT (SELECT count(*) FROM hourly), (SELECT count(*) FROM daily)",
              nullptr);
  ASSERT_EQ(s.step(), SQLITE_ROW);
  EXPECT_EQ(s.int64(0), 1);
  EXPECT_EQ(s.int64(1), 1);
}

TEST(Flusher, OptionsFollowTheSettings) {
  ReportingSettings s;
  s.store = "/var/lib/edugate/x.db";
  s.max_store_size = 64u << 20;
  s.retention_weeks = 3;
  const auto o = Flusher::options_from(s);
  EXPECT_EQ(o.store.path, s.store);
  EXPECT_EQ(o.store.max_bytes, s.max_store_size);
  EXPECT_FALSE(o.store.read_only);
  EXPECT_EQ(o.retention_weeks, 3);
}

TEST(LogThrottle, AllowsOncePerPeriod) {
  using namespace std::chrono_literals;
  LogThrottle t(60s);
  const LogThrottle::Clock::time_point t0{};
  EXPECT_TRUE(t.allow(t0 + 1s));
  EXPECT_FALSE(t.allow(t0 + 30s));
  EXPECT_FALSE(t.allow(t0 + 60s));
  EXPECT_TRUE(t.allow(t0 + 61s));
}

}  // namespace
}  // namespace edugate::reporting
