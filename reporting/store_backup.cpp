#include "reporting/store_backup.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

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
  if (fs::symlink_status(out_path, ec).type() != fs::file_type::not_found)
    return StoreError{SQLITE_CANTOPEN, out_path + " exists: a backup never overwrites a file"};
  StoreError error;
  auto db = open_db(store_path, SQLITE_OPEN_READONLY, &error);
  if (!db) return error;
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
  if (::chmod(out_path.c_str(), 0640) != 0 || !sync_path(out_path, false)) {
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
  const std::string tmp = store_path + ".restoring";
  std::error_code ec;
  fs::remove(tmp, ec);
  StoreError error;
  {
    auto source = open_db(backup_path, SQLITE_OPEN_READONLY, &error);
    if (!source) return error;
    auto target = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &error);
    if (!target) return error;
    sqlite3_backup* copy = sqlite3_backup_init(target->get(), "main", source->get(), "main");
    if (!copy) return last_error(target->get(), "copying " + backup_path);
    const int stepped = sqlite3_backup_step(copy, -1);
    const int finished = sqlite3_backup_finish(copy);
    // A self-contained file (no -wal beside it); edugate turns WAL on again when it opens it.
    if (stepped != SQLITE_DONE || finished != SQLITE_OK ||
        !exec(target->get(), "PRAGMA journal_mode = DELETE", &error)) {
      auto failed = stepped != SQLITE_DONE || finished != SQLITE_OK
                        ? last_error(target->get(), "copying " + backup_path)
                        : error;
      target.reset();
      fs::remove(tmp, ec);
      return failed;
    }
  }
  // The owner and mode edugate's store had (restore runs as root, edugate as its own user).
  struct stat like {};
  const bool had_store = ::stat(store_path.c_str(), &like) == 0;
  if (!had_store && ::stat(parent_of(store_path).c_str(), &like) != 0) {
    auto failed = os_error(parent_of(store_path));
    fs::remove(tmp, ec);
    return failed;
  }
  const mode_t mode = had_store ? (like.st_mode & 0777) : 0640;
  const bool owner_ok = (like.st_uid == ::geteuid() && like.st_gid == ::getegid()) ||
                        ::chown(tmp.c_str(), like.st_uid, like.st_gid) == 0;
  if (!owner_ok || ::chmod(tmp.c_str(), mode) != 0 || !sync_path(tmp, false)) {
    auto failed = os_error("preparing " + tmp);
    fs::remove(tmp, ec);
    return failed;
  }
  for (const char* suffix : {"-wal", "-shm"}) {
    if (::unlink((store_path + suffix).c_str()) != 0 && errno != ENOENT) {
      auto failed = os_error("removing " + store_path + suffix);
      fs::remove(tmp, ec);
      return failed;
    }
  }
  if (::rename(tmp.c_str(), store_path.c_str()) != 0) {
    auto failed = os_error("renaming " + tmp + " to " + store_path);
    fs::remove(tmp, ec);
    return failed;
  }
  sync_path(parent_of(store_path), true);
  return std::nullopt;
}

}  // namespace edugate::reporting
