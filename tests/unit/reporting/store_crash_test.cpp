// kill -9 at random moments while a child flushes in a loop: the store must reopen sound, every
// flush must be all-or-nothing, and nothing the child saw committed may be missing.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "reporting/store.hpp"
#include "test_support.hpp"

namespace edugate::reporting {
namespace {

constexpr int kCells = 40;
constexpr LocalDay kDay = 20'600;

FlushBatch one_flush(std::uint64_t round) {
  FlushBatch b;
  for (int c = 0; c < kCells; ++c)
    b.counts[{HourBucket{kDay, static_cast<std::uint8_t>(c % 24)}.index(), fmt::format("g{}", c),
              "cat", "block", "d.example"}] = 1;
  b.devices[{kDay, "*", "*", "*", "*"}] = round + 1;
  return b;
}

[[noreturn]] void child_loop(const std::string& path, int ack_fd) {
  StoreError error;
  auto store = Store::open({path}, &error);
  if (!store) ::_exit(2);
  for (std::uint64_t round = 0;; ++round) {
    if (store->write(one_flush(round))) ::_exit(3);
    const char ack = 1;
    if (::write(ack_fd, &ack, 1) != 1) ::_exit(4);
  }
}

TEST(StoreCrash, KillNineNeverCorruptsOrLosesACommittedFlush) {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 12; ++trial) {
    testing::TempDir dir;
    const auto path = dir.file("crash.db");
    ASSERT_TRUE(Store::open({path}, nullptr));  // create the schema first
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      child_loop(path, fds[1]);
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300'000));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child ended by itself with " << WEXITSTATUS(status);
    std::uint64_t acked = 0;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;)
      acked += static_cast<std::uint64_t>(n);
    ::close(fds[0]);

    StoreError error;
    auto store = Store::open({path}, &error);
    ASSERT_TRUE(store) << error.message;
    ASSERT_EQ(store->integrity_check(), "ok");
    StoreExtract x;
    ASSERT_FALSE(store->read(kDay, kDay, x));
    std::uint64_t per_cell = x.counts.empty() ? 0 : x.counts.front().requests;
    if (acked > 0) {
      ASSERT_EQ(x.counts.size(), static_cast<std::size_t>(kCells));
    }
    for (const auto& c : x.counts) ASSERT_EQ(c.requests, per_cell) << "a flush was torn";
    EXPECT_GE(per_cell, acked) << "a committed flush was lost";
    EXPECT_LE(per_cell, acked + 1) << "at most the flush in flight may land unacknowledged";
    const auto d = x.devices.find({kDay, "*", "*", "*", "*"});
    if (per_cell > 0) {
      ASSERT_NE(d, x.devices.end());
      EXPECT_EQ(d->second, per_cell) << "device maxima belong to the same transactions";
    }
  }
}

}  // namespace
}  // namespace edugate::reporting
