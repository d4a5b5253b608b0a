// `edugate run` holds the store lock shared, `edugate restore` exclusive: a restore is refused
// while edugate runs, and edugate does not start in the middle of a restore. flock(2) locks
// conflict between two open()s even within one process, so one test process plays both sides.
#include "reporting/store_lock.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.hpp"

namespace edugate::reporting {
namespace {

using Mode = StoreLock::Mode;
using testing::TempDir;

TEST(StoreLock, ARunningEdugateMakesARestoreWait) {
  TempDir dir;
  const auto store = dir.file("edugate.db");
  StoreLock::Failure why;
  auto run = StoreLock::try_lock(store, Mode::shared, &why);
  ASSERT_TRUE(run.held()) << why.message;
  auto second_run = StoreLock::try_lock(store, Mode::shared, &why);
  EXPECT_TRUE(second_run.held()) << "two edugate processes may share a store";
  auto restore = StoreLock::try_lock(store, Mode::exclusive, &why);
  EXPECT_FALSE(restore.held());
  EXPECT_TRUE(why.busy);
  run = StoreLock();
  second_run = StoreLock();
  restore = StoreLock::try_lock(store, Mode::exclusive, &why);
  EXPECT_TRUE(restore.held()) << "released when the last runner stops";
}

TEST(StoreLock, EdugateDoesNotStartDuringARestore) {
  TempDir dir;
  const auto store = dir.file("edugate.db");
  StoreLock::Failure why;
  auto restore = StoreLock::try_lock(store, Mode::exclusive, &why);
  ASSERT_TRUE(restore.held()) << why.message;
  auto run = StoreLock::try_lock(store, Mode::shared, &why);
  EXPECT_FALSE(run.held());
  EXPECT_TRUE(why.busy);
  StoreLock moved = std::move(restore);
  EXPECT_TRUE(moved.held());
  EXPECT_FALSE(restore.held());  // NOLINT(bugprone-use-after-move): moved-from is empty
}

TEST(StoreLock, AnUnwritableDirectoryIsAFailureNotBusy) {
  StoreLock::Failure why;
  auto lock = StoreLock::try_lock("/nonexistent-dir/edugate.db", Mode::shared, &why);
  EXPECT_FALSE(lock.held());
  EXPECT_FALSE(why.busy);
  EXPECT_NE(why.message.find("/nonexistent-dir/edugate.db.lock"), std::string::npos);
}

// Whoever can write the store's directory cannot make edugate or a restore hang on the lock
// (a FIFO at its name) or lock through a link.
TEST(StoreLock, AFifoOrALinkAtTheLockNameNeverBlocks) {
  TempDir dir;
  const auto store = dir.file("edugate.db");
  ASSERT_EQ(::mkfifo(StoreLock::path_for(store).c_str(), 0600), 0);
  StoreLock::Failure why;
  auto lock = StoreLock::try_lock(store, Mode::exclusive, &why);  // returns at once
  lock = StoreLock();
  const auto other = dir.file("other.db");
  ASSERT_EQ(::symlink(dir.file("elsewhere").c_str(), StoreLock::path_for(other).c_str()), 0);
  lock = StoreLock::try_lock(other, Mode::shared, &why);
  EXPECT_FALSE(lock.held());
  EXPECT_FALSE(why.busy);
  EXPECT_FALSE(std::filesystem::exists(dir.file("elsewhere")));
}

}  // namespace
}  // namespace edugate::reporting
