#include "reporting/department/pg_connection.hpp"

#include <algorithm>
#include <charconv>

namespace edugate::reporting::department {

namespace {

[[noreturn]] void throw_result_error(PGconn* conn, PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  if (message.empty()) message = PQerrorMessage(conn);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  std::string sqlstate = state ? state : "";
  if (r) PQclear(r);
  throw PgError(message, std::move(sqlstate));
}

}  // namespace

long long PgResult::integer(int row, int col) const {
  const char* v = PQgetvalue(r_.get(), row, col);
  const std::string_view s(v);
  long long out = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc{} || end != s.data() + s.size())
    throw PgError("not an integer: " + std::string(s), "");
  return out;
}

namespace {

/// Deadlines on everything the service waits for in PostgreSQL, so that a stuck server or a lock
/// held elsewhere turns into an error (503, retried by the school) instead of a worker blocked
/// for ever. The department's own connection string comes after these and wins.
PGconn* connect_with_deadlines(const std::string& conninfo) {
  const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle",
                        "options",         "dbname",     nullptr};
  const char* values[] = {"10",
                          "1",
                          "30",
                          "-c statement_timeout=30s -c lock_timeout=10s "
                          "-c idle_in_transaction_session_timeout=60s",
                          conninfo.c_str(),
                          nullptr};
  return PQconnectdbParams(keys, values, /*expand_dbname=*/1);
}

}  // namespace

PgConnection::PgConnection(const std::string& conninfo)
    : conn_(connect_with_deadlines(conninfo), &PQfinish) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    while (!message.empty() && message.back() == '\n') message.pop_back();
    throw PgError("cannot connect to the database: " + message, "08001");
  }
  // Notices (e.g. "relation already exists, skipping") are not for the service's log.
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

PgResult PgConnection::exec(std::string_view sql, const Params& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  const std::string text(sql);
  PGresult* r = PQexecParams(conn_.get(), text.c_str(), static_cast<int>(values.size()), nullptr,
                             values.data(), nullptr, nullptr, 0);
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_result_error(conn_.get(), r);
  return PgResult(r);
}

void PgConnection::exec_script(std::string_view sql) {
  const std::string text(sql);
  PGresult* r = PQexec(conn_.get(), text.c_str());
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw_result_error(conn_.get(), r);
  PQclear(r);
}

void PgConnection::copy_in(std::string_view copy_sql, std::string_view rows) {
  const std::string text(copy_sql);
  PGresult* r = PQexec(conn_.get(), text.c_str());
  if (!r || PQresultStatus(r) != PGRES_COPY_IN) throw_result_error(conn_.get(), r);
  PQclear(r);
  // libpq takes at most INT_MAX bytes per call.
  constexpr std::size_t kChunk = 1u << 20;
  for (std::size_t at = 0; at < rows.size(); at += kChunk) {
    const auto n = std::min(kChunk, rows.size() - at);
    if (PQputCopyData(conn_.get(), rows.data() + at, static_cast<int>(n)) != 1)
      throw_result_error(conn_.get(), nullptr);
  }
  if (PQputCopyEnd(conn_.get(), nullptr) != 1) throw_result_error(conn_.get(), nullptr);
  r = PQgetResult(conn_.get());
  const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK) throw_result_error(conn_.get(), r);
  PQclear(r);
  while ((r = PQgetResult(conn_.get())) != nullptr) PQclear(r);
}

bool PgConnection::healthy() {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return true;
  PQreset(conn_.get());
  return PQstatus(conn_.get()) == CONNECTION_OK;
}

void copy_escape(std::string& out, std::string_view value) {
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (const char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

PgAdvisoryLock::PgAdvisoryLock(PgConnection& db, std::string key, bool wait)
    : db_(db), key_(std::move(key)) {
  if (wait) {
    db_.exec("SELECT pg_advisory_lock($1)", {key_});
    held_ = true;
  } else {
    held_ = db_.exec("SELECT pg_try_advisory_lock($1)", {key_}).boolean(0, 0);
  }
}

PgAdvisoryLock::~PgAdvisoryLock() {
  if (!held_) return;
  try {
    db_.exec("SELECT pg_advisory_unlock($1)", {key_});
  } catch (const PgError&) {
    // The session is gone, and its advisory lock with it.
  }
}

PgTransaction::~PgTransaction() {
  if (done_) return;
  try {
    c_.exec("ROLLBACK");
  } catch (const PgError&) {
    // The connection is gone: the server has rolled the transaction back itself.
  }
}

}  // namespace edugate::reporting::department
