// `edugate backup` and `edugate restore` with the real binary beside a running edugate: a backup
// is taken while edugate counts, a restore is refused while edugate runs and works once it has
// stopped, edugate does not start while a restore holds the store, and the restored counts are
// what edugate goes on from.

#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {
namespace {

/// Blocked requests counted in the store (its hourly rows), or -1.
long long stored_blocks(const std::filesystem::path& db) {
  const auto r =
      run_command({"sqlite3", db.string(),
                   "SELECT COALESCE(SUM(requests),0) FROM hourly WHERE action = 'block'"},
                  milliseconds(10000));
  return r.exit_code == 0 ? std::stoll(r.out) : -1;
}

void block_requests(const EdugateProcess& e, int n) {
  for (int i = 0; i < n; ++i) ASSERT_EQ(via(e, {"http://blocked.test/"}).status, 403);
}

TEST(StoreBackupCli, BackupWhileRunningRestoreOnlyOnceStopped) {
  EnforcementSetup setup;
  TestOrigin origin;
  const auto db = setup.dir.path() / "edugate.db";
  const auto config = setup.dir.write("edugate.yaml", setup.config(origin));
  const auto backup = setup.dir.path() / "backup.db";
  auto edugate = std::make_unique<EdugateProcess>(setup.config(origin), setup.options());
  block_requests(*edugate, 3);
  std::this_thread::sleep_for(milliseconds(1500));  // one flush (flush_interval: 1s)
  ASSERT_EQ(stored_blocks(db), 3);

  const auto made = run_command(
      {edugate_binary(), "backup", "--config", config.string(), "--out", backup.string()},
      milliseconds(20000));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.out.find("backed up"), std::string::npos) << made.out;
  EXPECT_EQ(stored_blocks(backup), 3);

  block_requests(*edugate, 4);
  std::this_thread::sleep_for(milliseconds(1500));
  ASSERT_EQ(stored_blocks(db), 7);

  const auto refused =
      run_command({edugate_binary(), "restore", "--config", config.string(), backup.string()},
                  milliseconds(20000));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("stop it first"), std::string::npos) << refused.err;
  EXPECT_EQ(stored_blocks(db), 7) << "a refused restore leaves the store as it was";

  EXPECT_EQ(edugate->process().terminate(), 0);
  edugate.reset();
  const auto restored =
      run_command({edugate_binary(), "restore", "--config", config.string(), backup.string()},
                  milliseconds(20000));
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(stored_blocks(db), 3);

  // edugate goes on from the restored counts.
  edugate = std::make_unique<EdugateProcess>(setup.config(origin), setup.options());
  block_requests(*edugate, 1);
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_EQ(stored_blocks(db), 4);
}

TEST(StoreBackupCli, EdugateDoesNotStartWhileARestoreHoldsTheStore) {
  EnforcementSetup setup;
  TestOrigin origin;
  const auto config = setup.dir.write("edugate.yaml", setup.config(origin));
  const auto lock = (setup.dir.path() / "edugate.db.lock").string();
  // util-linux flock(1) holds the lock as `edugate restore` does while it swaps the file.
  Process restore({.argv = {"flock", "--exclusive", lock, "sleep", "30"}, .env = {}, .cwd = {}});
  for (int i = 0; i < 50 && !std::filesystem::exists(lock); ++i)
    std::this_thread::sleep_for(milliseconds(20));
  std::this_thread::sleep_for(milliseconds(100));
  const auto run =
      run_command({edugate_binary(), "run", "--config", config.string()}, milliseconds(20000));
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("is being restored"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace edugate::itest
