// Backups an admin can restore: a consistent copy while edugate writes, a restore that puts
// exactly the backup back (never a stale WAL of the old store replayed into it), and refusals
// (an existing file, a newer schema, a file that is not an edugate store) that leave the store
// as it was.
#include "reporting/store_backup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fixtures.hpp"
#include "reporting/schema.hpp"
#include "reporting/store.hpp"
#include "test_support.hpp"

namespace edugate::reporting {
namespace {

using testing::batch;
using testing::kStoreDay;
using testing::TempDir;
using testing::total;
namespace fs = std::filesystem;

std::uint64_t stored_total(const std::string& path) {
  StoreError error;
  auto store = Store::open({path, 0, true}, &error);
  EXPECT_TRUE(store) << error.message;
  if (!store) return 0;
  StoreExtract x;
  EXPECT_FALSE(store->read(kStoreDay, kStoreDay, x));
  return total(x);
}

void write(const std::string& path, std::uint64_t n) {
  StoreError error;
  auto store = Store::open({path}, &error);
  ASSERT_TRUE(store) << error.message;
  ASSERT_FALSE(store->write(batch(n, 1)));
}

TEST(StoreBackup, CopiesTheStoreAndRestoresExactlyThatCopy) {
  TempDir dir;
  const auto store = dir.file("edugate.db"), copy = dir.file("backup.db");
  write(store, 5);
  BackupInfo info;
  ASSERT_FALSE(backup_store(store, copy, &info));
  EXPECT_EQ(info.schema_version, schema_version());
  EXPECT_GT(info.bytes, 0u);
  EXPECT_EQ(fs::status(copy).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  write(store, 7);  // counted after the backup
  ASSERT_EQ(stored_total(store), 12u);
  ASSERT_FALSE(restore_store(copy, store, &info));
  EXPECT_EQ(stored_total(store), 5u);
  EXPECT_FALSE(fs::exists(store + ".restoring"));
  write(store, 1);  // edugate writes on in the restored store
  EXPECT_EQ(stored_total(store), 6u);
}

TEST(StoreBackup, ABackupTakenWhileEdugateWritesIsOneCommittedState) {
  TempDir dir;
  const auto path = dir.file("edugate.db");
  write(path, 1);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> committed{1};
  std::thread writer([&] {
    StoreError error;
    auto store = Store::open({path}, &error);
    ASSERT_TRUE(store) << error.message;
    while (!stop) {
      ASSERT_FALSE(store->write(batch(1, 1)));
      ++committed;
    }
  });
  std::vector<std::uint64_t> seen;
  for (int i = 0; i < 8; ++i) {
    const auto copy = dir.file("b" + std::to_string(i) + ".db");
    const auto before = committed.load();
    ASSERT_FALSE(backup_store(path, copy, nullptr));
    const auto after = committed.load();
    const auto in_copy = stored_total(copy);
    // Every flush adds 1 in one transaction: the copy holds a whole number of flushes, all those
    // counted before it began, and at most the one being counted when it ended (the writer
    // counts a flush just after its commit).
    EXPECT_GE(in_copy, before);
    EXPECT_LE(in_copy, after + 1);
    seen.push_back(in_copy);
  }
  stop = true;
  writer.join();
  EXPECT_GT(seen.back(), seen.front()) << "the writer was running during the backups";
}

TEST(StoreBackup, NeverOverwritesAFile) {
  TempDir dir;
  const auto store = dir.file("edugate.db"), copy = dir.file("backup.db");
  write(store, 5);
  std::ofstream(copy) << "the admin's other file";
  const auto error = backup_store(store, copy, nullptr);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("never overwrites"), std::string::npos) << error->message;
  std::ifstream in(copy);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "the admin's other file");
  EXPECT_TRUE(backup_store(dir.file("missing.db"), dir.file("b2.db"), nullptr));
  EXPECT_FALSE(fs::exists(dir.file("b2.db")));
}

// The old store was left by a killed edugate with committed pages still in its WAL. Restoring
// must delete that WAL: replayed into the restored file it would put the old counts back (or
// corrupt it).
TEST(StoreBackup, RestoreNeverReplaysTheOldStoresWal) {
  TempDir dir;
  const auto store = dir.file("edugate.db"), copy = dir.file("backup.db");
  write(store, 5);
  ASSERT_FALSE(backup_store(store, copy, nullptr));
  const auto killed = dir.file("killed");
  fs::create_directory(killed);
  {
    StoreError error;
    auto live = Store::open({store}, &error);
    ASSERT_TRUE(live) << error.message;
    ASSERT_FALSE(live->write(batch(100, 1)));
    // The connection is still open (no checkpoint on close): copy the files as a kill -9
    // would leave them.
    for (const char* f : {"edugate.db", "edugate.db-wal", "edugate.db-shm"})
      fs::copy_file(dir.file(f), killed + "/" + f);
  }
  const auto old_store = killed + "/edugate.db";
  ASSERT_GT(fs::file_size(old_store + "-wal"), 0u);
  ASSERT_EQ(stored_total(old_store), 105u);
  ASSERT_FALSE(restore_store(copy, old_store, nullptr));
  EXPECT_FALSE(fs::exists(old_store + "-wal"));
  EXPECT_EQ(stored_total(old_store), 5u);
  StoreError error;
  auto reopened = Store::open({old_store}, &error);
  ASSERT_TRUE(reopened) << error.message;
  EXPECT_EQ(reopened->integrity_check(), "ok");
}

TEST(StoreBackup, RefusesANewerSchemaAndLeavesTheStoreAsItWas) {
  TempDir dir;
  const auto store = dir.file("edugate.db"), copy = dir.file("backup.db");
  write(store, 5);
  ASSERT_FALSE(backup_store(store, copy, nullptr));
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(copy.c_str(), &raw), SQLITE_OK);
    SqliteDb db(raw);
    ASSERT_TRUE(
        exec(db.get(), "PRAGMA user_version = " + std::to_string(schema_version() + 1), nullptr));
  }
  write(store, 2);
  const auto error = restore_store(copy, store, nullptr);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("newer than this edugate"), std::string::npos) << error->message;
  EXPECT_EQ(stored_total(store), 7u);
  EXPECT_FALSE(fs::exists(store + ".restoring"));
}

TEST(StoreBackup, RefusesWhatIsNotAnEdugateStore) {
  TempDir dir;
  const auto store = dir.file("edugate.db");
  write(store, 5);
  std::ofstream(dir.file("junk.db"), std::ios::binary) << std::string(5000, '\x5a');
  std::ofstream(dir.file("empty.db"));
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(dir.file("other.db").c_str(), &raw), SQLITE_OK);
    SqliteDb db(raw);
    ASSERT_TRUE(exec(db.get(), "CREATE TABLE t (x); PRAGMA user_version = 1", nullptr));
  }
  for (const char* name : {"junk.db", "empty.db", "other.db", "absent.db"}) {
    const auto error = restore_store(dir.file(name), store, nullptr);
    EXPECT_TRUE(error) << name;
    EXPECT_EQ(stored_total(store), 5u) << name;
  }
}

// A damaged page fails the integrity check: such a backup is refused before the store is
// touched.
TEST(StoreBackup, RefusesADamagedBackup) {
  TempDir dir;
  const auto store = dir.file("edugate.db"), copy = dir.file("backup.db");
  for (int i = 0; i < 20; ++i) {
    StoreError error;
    auto s = Store::open({store}, &error);
    ASSERT_TRUE(s) << error.message;
    ASSERT_FALSE(s->write(batch(1, 1, kStoreDay - i)));
  }
  ASSERT_FALSE(backup_store(store, copy, nullptr));
  {
    std::fstream f(copy, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096);  // the second page's b-tree header: no valid page type
    f << std::string(16, '\x7f');
  }
  const auto error = restore_store(copy, store, nullptr);
  ASSERT_TRUE(error);
  EXPECT_EQ(stored_total(store), 1u);
}

// restore runs as root in a directory the edugate account can write: a store that is a symbolic
// link (to /etc/shadow, say) is refused, and neither the link's target nor a link left at the
// temporary name is written through.
TEST(StoreBackup, RestoreFollowsNoLinkInTheStoreDirectory) {
  TempDir dir;
  const auto real = dir.file("real.db"), copy = dir.file("backup.db");
  write(real, 5);
  ASSERT_FALSE(backup_store(real, copy, nullptr));
  const auto victim = dir.file("victim");
  std::ofstream(victim) << "precious";
  const auto store = dir.file("edugate.db");
  fs::create_symlink(victim, store);
  const auto error = restore_store(copy, store, nullptr);
  ASSERT_TRUE(error);
  EXPECT_NE(error->message.find("not a regular file"), std::string::npos) << error->message;
  fs::remove(store);
  write(store, 9);
  fs::create_symlink(victim, store + ".restoring");
  ASSERT_FALSE(restore_store(copy, store, nullptr));
  EXPECT_EQ(stored_total(store), 5u);
  std::ifstream in(victim);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "precious");
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(store)));
  // backup, as root, does not read a store that is a link either, nor write through a link.
  const auto linked = dir.file("linked.db");
  fs::create_symlink(store, linked);
  EXPECT_TRUE(backup_store(linked, dir.file("b.db"), nullptr));
  EXPECT_FALSE(fs::exists(dir.file("b.db")));
  fs::create_symlink(victim, dir.file("out-link.db"));
  EXPECT_TRUE(backup_store(store, dir.file("out-link.db"), nullptr));
  std::ifstream again(victim);
  std::getline(again, text);
  EXPECT_EQ(text, "precious");
}

}  // namespace
}  // namespace edugate::reporting
