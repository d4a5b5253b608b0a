#include "reporting/sqlite_handle.hpp"

#include <fmt/format.h>

namespace edugate::reporting {

Statement::Statement(sqlite3* db, std::string_view sql, StoreError* error) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  stmt_.reset(raw);
  if (rc != SQLITE_OK && error) *error = last_error(db, "preparing a statement");
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string();
}

void Statement::reset() noexcept {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

bool exec(sqlite3* db, std::string_view sql, StoreError* error) {
  const std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) return true;
  if (error) *error = last_error(db, "running SQL");
  return false;
}

StoreError last_error(sqlite3* db, std::string_view doing) {
  return {sqlite3_extended_errcode(db), fmt::format("{}: {}", doing, sqlite3_errmsg(db))};
}

}  // namespace edugate::reporting
