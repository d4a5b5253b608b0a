#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace edugate::reporting {

struct SqliteCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
/// Owning handles: a connection and a prepared statement.
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

/// An SQLite failure: the (extended) result code, to branch on, and text for people.
struct StoreError {
  int code = SQLITE_ERROR;
  std::string message;
};

/// A prepared statement with typed binding. Not thread-safe (like its connection).
class Statement {
 public:
  Statement() = default;
  /// Prepares `sql` on `db`; on failure valid() is false and `error` says why.
  Statement(sqlite3* db, std::string_view sql, StoreError* error);

  bool valid() const noexcept { return stmt_ != nullptr; }
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  /// sqlite3_step: SQLITE_ROW, SQLITE_DONE or an error code.
  int step() noexcept { return sqlite3_step(stmt_.get()); }
  std::int64_t int64(int column) const noexcept {
    return sqlite3_column_int64(stmt_.get(), column);
  }
  std::string text(int column) const;
  /// Clears bindings and rewinds, ready for the next use.
  void reset() noexcept;

 private:
  SqliteStmt stmt_;
};

/// Runs one or more statements without results; on failure fills `error` and returns false.
bool exec(sqlite3* db, std::string_view sql, StoreError* error);
/// The error of the last call on `db`, with a prefix saying what was being done.
StoreError last_error(sqlite3* db, std::string_view doing);

}  // namespace edugate::reporting
