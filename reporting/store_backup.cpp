#include "reporting/store_backup.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "reporting/schema.hpp"

namespace edugate::reporting {

namespace {

namespace fs = std::filesystem;

StoreError os_error(std::string_view doing) {
  return {SQLITE_IOERR, fmt::format("{}: {}", doing, std::strerror(errno))};
}

std::optional<SqliteDb> open_db(const std::string& path, int flags, StoreError* error) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    *error = {rc, fmt::format("cannot open {}: {}", path,
                              raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
    return std::nullopt;
  }
  sqlite3_extended_result_codes(db.get(), 1);
  if (!exec(db.get(), "PRAGMA busy_timeout = 5000", error)) return std::nullopt;
  return db;
}

/// fsync of a file or a directory by path.
bool sync_path(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

std::string parent_of(const std::string& path) {
  const auto parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

std::optional<StoreError> inspect_backup(const std::string& path, BackupInfo* info) {
  StoreError error;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return StoreError{SQLITE_CANTOPEN, path + ": no such file"};
  auto db = open_db(path, SQLITE_OPEN_READONLY, &error);
  if (!db) return error;
  {
    Statement check(db->get(), "PRAGMA integrity_check", &error);
    if (!check.valid()) return StoreError{error.code, path + ": not an SQLite database"};
    const int rc = check.step();
    if (rc != SQLITE_ROW)
      return StoreError{
          rc, fmt::format("{}: not a sound SQLite database ({})", path, sqlite3_errmsg(db->get()))};
    if (const auto result = check.text(0); result != "ok")
      return StoreError{SQLITE_CORRUPT, fmt::format("{}: damaged: {}", path, result)};
  }
  const int version = stored_schema_version(db->get());
  Statement tables(db->get(),
                   "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                   "('hourly', 'daily', 'devices', 'rule_sets')",
                   &error);
  if (version < 1 || !tables.valid() || tables.step() != SQLITE_ROW || tables.int64(0) != 4)
    return StoreError{SQLITE_NOTADB, path + ": not an edugate report store"};
  if (version > schema_version())
    return StoreError{SQLITE_ERROR,
                      fmt::format("{}: schema version {} is newer than this edugate's {}: restore "
                                  "it with the edugate that made it, or a newer one",
                                  path, version, schema_version())};
  if (info) {
    info->schema_version = version;
    info->bytes = fs::file_size(path, ec);
  }
  return std::nullopt;
}

std::optional<StoreError> backup_store(const std::string& store_path, const std::string& out_path,
                                       BackupInfo* info) {
  std::error_code ec;
  if (!fs::is_regular_file(store_path, ec))
    return StoreError{SQLITE_CANTOPEN, store_path + ": no report store here"};
  // The copy is created here, empty, never through a link (VACUUM INTO fills an empty file), and
  // is then changed only through this descriptor.
  const int out =
      ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0640);
  if (out < 0)
    return StoreError{SQLITE_CANTOPEN, errno == EEXIST
                                           ? out_path + " exists: a backup never overwrites a file"
                                           : fmt::format("{}: {}", out_path, std::strerror(errno))};
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{out};
  StoreError error;
  // Root may run this in a directory the edugate account can write: the store is not followed
  // through a link either.
  auto db = open_db(store_path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOFOLLOW, &error);
  if (!db) {
    fs::remove(out_path, ec);
    return error;
  }
  {
    Statement vacuum(db->get(), "VACUUM INTO ?1", &error);
    if (!vacuum.valid()) return error;
    vacuum.bind(1, out_path);
    if (vacuum.step() != SQLITE_DONE) {
      auto failed = last_error(db->get(), "writing " + out_path);
      fs::remove(out_path, ec);
      return failed;
    }
  }
  db.reset();
  if (::fchmod(out, 0640) != 0 || ::fsync(out) != 0) {
    auto failed = os_error(out_path);
    fs::remove(out_path, ec);
    return failed;
  }
  if (auto bad = inspect_backup(out_path, info)) {
    fs::remove(out_path, ec);
    return bad;
  }
  return std::nullopt;
}

std::optional<StoreError> restore_store(const std::string& backup_path,
                                        const std::string& store_path, BackupInfo* info) {
  if (auto bad = inspect_backup(backup_path, info)) return bad;
  // restore runs as root in a directory the edugate account can write. Nothing here follows a
  // name that account could have swapped: the store is looked at with lstat, and the new file
  // is created O_EXCL|O_NOFOLLOW and then only written, chowned and chmodded through its own
  // descriptor (a chown by name would follow a symbolic link planted there to any file).
  struct stat like {};
  const bool had_store = ::lstat(store_path.c_str(), &like) == 0;
  if (had_store && !S_ISREG(like.st_mode))
    return StoreError{SQLITE_CANTOPEN, store_path + " is not a regular file"};
  if (!had_store && ::stat(parent_of(store_path).c_str(), &like) != 0)
    return os_error(parent_of(store_path));
  const mode_t mode = had_store ? (like.st_mode & 0777) : 0640;

  // The backup as SQLite reads it (a -wal beside it included), copied into memory with the
  // backup API and serialized: one self-contained database image, no journal.
  StoreError error;
  auto source = open_db(backup_path, SQLITE_OPEN_READONLY, &error);
  if (!source) return error;
  auto image = open_db(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, &error);
  if (!image) return error;
  sqlite3_backup* copy = sqlite3_backup_init(image->get(), "main", source->get(), "main");
  if (!copy) return last_error(image->get(), "copying " + backup_path);
  const int stepped = sqlite3_backup_step(copy, -1);
  if (sqlite3_backup_finish(copy) != SQLITE_OK || stepped != SQLITE_DONE)
    return last_error(image->get(), "copying " + backup_path);
  sqlite3_int64 size = 0;
  const std::unique_ptr<unsigned char, decltype(&sqlite3_free)> serialized(
      sqlite3_serialize(image->get(), "main", &size, 0), &sqlite3_free);
  if (!serialized || size <= 0) return StoreError{SQLITE_NOMEM, "copying " + backup_path};
  const unsigned char* bytes = serialized.get();

  const std::string tmp = store_path + ".restoring";
  ::unlink(tmp.c_str());  // a leftover of an interrupted restore (unlink never follows a link)
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return os_error("creating " + tmp);
  bool ok = true;
  for (sqlite3_int64 done = 0; ok && done < size;) {
    const auto n = ::write(fd, bytes + done, static_cast<std::size_t>(size - done));
    ok = n > 0;
    done += ok ? n : 0;
  }
  // The owner and mode edugate's store had (restore runs as root, edugate as its own user).
  const bool owner_ok = (like.st_uid == ::geteuid() && like.st_gid == ::getegid()) ||
                        ::fchown(fd, like.st_uid, like.st_gid) == 0;
  ok = ok && owner_ok && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  auto failed = ok ? std::optional<StoreError>() : os_error("writing " + tmp);
  ::close(fd);
  if (failed) {
    ::unlink(tmp.c_str());
    return failed;
  }
  // The old store's -wal and -shm are moved aside first (a stale WAL must never be replayed into
  // the restored file), and deleted only once the restored file is in place: if the rename
  // fails they are put back, and the old store is as it was, committed pages included.
  std::vector<std::string> aside;
  auto put_back = [&] {
    for (const auto& suffix : aside)
      ::rename((store_path + suffix + ".before-restore").c_str(), (store_path + suffix).c_str());
  };
  for (const char* suffix : {"-wal", "-shm"}) {
    const auto from = store_path + suffix, to = from + ".before-restore";
    if (::rename(from.c_str(), to.c_str()) == 0) {
      aside.emplace_back(suffix);
    } else if (errno != ENOENT) {
      failed = os_error("moving " + from + " aside");
      put_back();
      ::unlink(tmp.c_str());
      return failed;
    }
  }
  if (::rename(tmp.c_str(), store_path.c_str()) != 0) {
    failed = os_error("renaming " + tmp + " to " + store_path);
    put_back();
    ::unlink(tmp.c_str());
    return failed;
  }
  for (const auto& suffix : aside) ::unlink((store_path + suffix + ".before-restore").c_str());
  sync_path(parent_of(store_path), true);
  return std::nullopt;
}

}  // namespace edugate::reporting
