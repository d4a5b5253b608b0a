#pragma once

#include <sqlite3.h>

#include "reporting/sqlite_handle.hpp"

namespace edugate::reporting {

/// The schema version this build writes (PRAGMA user_version).
int schema_version() noexcept;

/// Brings the store at `db` up to schema_version(), one transaction per migration step. Refuses
/// (returns false) a store written by a newer edugate. Not thread-safe; call once after opening.
bool migrate(sqlite3* db, StoreError* error);

/// PRAGMA user_version of `db`, or -1 when it cannot be read.
int stored_schema_version(sqlite3* db);

}  // namespace edugate::reporting
