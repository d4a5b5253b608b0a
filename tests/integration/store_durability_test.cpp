// The store under stress, with the real binary: kill -9 during load loses at most one flush
// interval and never corrupts the file; a full disk never stops filtering.

#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/wrk.hpp"

namespace edugate::itest {
namespace {

long long stored_requests(const std::filesystem::path& db) {
  const auto r = run_command({"sqlite3", db.string(),
                              "SELECT COALESCE(SUM(requests),0) FROM hourly WHERE grp = 'hoc-sinh' "
                              "AND category = '' AND action = 'allow'"},
                             milliseconds(10000));
  return r.exit_code == 0 ? std::stoll(r.out) : -1;
}

TEST(StoreDurability, KillNineLosesAtMostOneFlushIntervalAndNeverCorrupts) {
  EnforcementSetup setup;
  TestOrigin origin;
  const auto db = setup.dir.path() / "edugate.db";
  const auto script = setup.dir.write("count.lua", kWrkProxyScript);
  long long sent = 0;
  for (int round = 0; round < 2; ++round) {
    EdugateProcess edugate{setup.config(origin), setup.options()};
    Process wrk(
        {.argv = {"wrk", "-t1", "-c4", "-d3s", "-s", script.string(), edugate.proxy().url()},
         .env = {"TARGET=http://allowed.test/bytes/64"},
         .cwd = {}});
    const auto result = wrk.wait_for_prefix(Stream::out, "RESULT", milliseconds(20000));
    ASSERT_TRUE(result);
    const auto counted = parse_wrk_result(*result);
    ASSERT_TRUE(counted) << *result;
    ASSERT_EQ(counted->non2xx, 0);
    const long long now_sent = counted->requests;
    sent += now_sent;
    std::this_thread::sleep_for(milliseconds(200));
    edugate.process().kill();  // SIGKILL: no final flush
    const auto integrity =
        run_command({"sqlite3", db.string(), "PRAGMA integrity_check"}, milliseconds(10000));
    EXPECT_EQ(integrity.out, "ok\n") << integrity.err;
    const auto stored = stored_requests(db);
    // At most one flush interval (1 s) plus the 200 ms before the kill is missing.
    const long long per_second = now_sent / 3;
    // wrk counts completed responses; up to one request per connection was still in flight.
    EXPECT_LE(stored, sent + 4 * (round + 1));
    EXPECT_GE(stored, sent - per_second * 3 / 2) << "sent " << sent << " stored " << stored;
  }
}

TEST(StoreDurability, AnUnwritableStoreNeverStopsFiltering) {
  // (A full disk is the same code path; reporting's unit tests fill a capped store for real.)
  EnforcementSetup setup;
  TestOrigin origin;
  auto config = setup.config(origin);
  const auto good = "store: " + (setup.dir.path() / "edugate.db").string();
  config.replace(config.find(good), good.size(), "store: /nonexistent-edugate-dir/edugate.db");
  EdugateProcess edugate{config, setup.options()};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(via(edugate, {"http://blocked.test/"}).status, 403);
    EXPECT_EQ(via(edugate, {"http://allowed.test/bytes/3"}).status, 200);
    std::this_thread::sleep_for(milliseconds(700));
  }
  EXPECT_GE(metric(edugate, "edugate_store_flushes_total"), 3);  // ok + failed: attempts go on
  EXPECT_EQ(metric(edugate, "edugate_store_error"), 1);
  // Logged at most once a minute, not at every flush.
  const auto log = edugate.log();
  std::size_t lines = 0;
  for (auto pos = log.find("cannot write the store"); pos != std::string::npos;
       pos = log.find("cannot write the store", pos + 1))
    ++lines;
  EXPECT_EQ(lines, 1u) << log;
}

}  // namespace
}  // namespace edugate::itest
