#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace edugate::reporting::department {

/// A failed PostgreSQL call: the server's message and its SQLSTATE ("23505" unique violation).
struct PgError : std::runtime_error {
  PgError(const std::string& message, std::string state)
      : std::runtime_error(message), sqlstate(std::move(state)) {}
  std::string sqlstate;
};

/// A query's result rows, text format. Owns the PGresult.
class PgResult {
 public:
  explicit PgResult(PGresult* r) : r_(r, &PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
  std::string text(int row, int col) const { return PQgetvalue(r_.get(), row, col); }
  long long integer(int row, int col) const;
  bool boolean(int row, int col) const { return text(row, col) == "t"; }

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

/// One libpq connection, used by one thread at a time. Parameters go separately from the SQL
/// text (PQexecParams), never spliced into it. Calls throw PgError.
class PgConnection {
 public:
  /// Connects with a libpq connection string ("host=/run/postgresql dbname=edugate").
  explicit PgConnection(const std::string& conninfo);

  using Params = std::vector<std::optional<std::string>>;  ///< nullopt = SQL NULL
  PgResult exec(std::string_view sql, const Params& params = {});
  /// Several statements without parameters (a migration script).
  void exec_script(std::string_view sql);
  /// `COPY ... FROM STDIN` (text format) of `rows`, already escaped with copy_escape().
  void copy_in(std::string_view copy_sql, std::string_view rows);
  /// True when the connection is up; after a network error, reconnects once and says whether
  /// that worked (the caller retries its transaction).
  bool healthy();

 private:
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
};

/// `value` escaped for COPY's text format (backslash, tab, newline, carriage return).
void copy_escape(std::string& out, std::string_view value);

/// An SQL array literal ({"a","b"}) of `items`, each quoted: for text[] parameters.
std::string array_literal(const std::vector<std::string>& items);

/// A session-level advisory lock on `key` (a decimal bigint), released when the object goes away
/// (or with the session, if that is gone first). `wait` false: try once; see held().
class PgAdvisoryLock {
 public:
  PgAdvisoryLock(PgConnection& db, std::string key, bool wait = true);
  ~PgAdvisoryLock();
  PgAdvisoryLock(const PgAdvisoryLock&) = delete;
  PgAdvisoryLock& operator=(const PgAdvisoryLock&) = delete;
  bool held() const { return held_; }

 private:
  PgConnection& db_;
  std::string key_;
  bool held_ = false;
};

/// BEGIN on construction, ROLLBACK on destruction unless commit() ran. No network I/O of the
/// caller's may happen while one is open: it holds locks.
class PgTransaction {
 public:
  explicit PgTransaction(PgConnection& c) : c_(c) { c_.exec("BEGIN"); }
  ~PgTransaction();
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  void commit() {
    c_.exec("COMMIT");
    done_ = true;
  }

 private:
  PgConnection& c_;
  bool done_ = false;
};

}  // namespace edugate::reporting::department
