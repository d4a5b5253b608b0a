#include "reporting/schema.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace edugate::reporting {

namespace {

// Each entry moves the schema from version i to i + 1. Never edit a released step: add one.
// No table holds a client address, a path, a query string or a timestamp finer than an hour.
constexpr std::array<std::string_view, 4> kMigrations{R"sql(
CREATE TABLE hourly (
  hour     INTEGER NOT NULL,  -- local hours since 1970-01-01
  grp      TEXT    NOT NULL,  -- policy group key
  category TEXT    NOT NULL,  -- category key, '' when nothing matched
  action   TEXT    NOT NULL,  -- allow, block, warn, safe_search, review_request, site_report
  domain   TEXT    NOT NULL,  -- registrable domain of the matched rule (block/warn), else ''
  requests INTEGER NOT NULL,
  PRIMARY KEY (hour, grp, category, action, domain)) WITHOUT ROWID;
CREATE TABLE daily (
  day      INTEGER NOT NULL,  -- local days since 1970-01-01; hourly rows rolled up
  grp      TEXT    NOT NULL,
  category TEXT    NOT NULL,
  action   TEXT    NOT NULL,
  domain   TEXT    NOT NULL,
  requests INTEGER NOT NULL,
  PRIMARY KEY (day, grp, category, action, domain)) WITHOUT ROWID;
CREATE TABLE devices (         -- distinct devices per day cell: a lower bound, '*' = all
  day      INTEGER NOT NULL,
  grp      TEXT    NOT NULL,
  category TEXT    NOT NULL,
  action   TEXT    NOT NULL,
  domain   TEXT    NOT NULL,
  devices  INTEGER NOT NULL,
  PRIMARY KEY (day, grp, category, action, domain)) WITHOUT ROWID;
CREATE TABLE rule_sets (
  day     INTEGER NOT NULL,
  version TEXT    NOT NULL,
  PRIMARY KEY (day, version)) WITHOUT ROWID;
CREATE TABLE category_labels (key TEXT PRIMARY KEY, vi TEXT NOT NULL, en TEXT NOT NULL);
CREATE TABLE group_labels (key TEXT PRIMARY KEY, name TEXT NOT NULL);
)sql",
                                                      R"sql(
CREATE TABLE department_bundles (  -- the department rules in force, per local day
  day      INTEGER NOT NULL,
  version  TEXT    NOT NULL,  -- published version, '-' for a local directory
  source   TEXT    NOT NULL,  -- update, signed or local
  verified INTEGER NOT NULL,
  PRIMARY KEY (day, version, source, verified)) WITHOUT ROWID;
)sql",
                                                      R"sql(
CREATE TABLE outbox (          -- signed weekly reports for the department (reporting.push)
  week         TEXT    NOT NULL PRIMARY KEY,  -- ISO week, "2026-W48"
  document     TEXT    NOT NULL,              -- the signed JSON, never rebuilt
  created      INTEGER NOT NULL,              -- Unix seconds
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_attempt INTEGER,
  last_error   TEXT    NOT NULL DEFAULT '',
  acked        INTEGER,                       -- Unix seconds of the department's acknowledgement
  rejected     INTEGER) WITHOUT ROWID;        -- Unix seconds it was given up (refused for good)
)sql",
                                                      R"sql(
ALTER TABLE group_labels ADD COLUMN age TEXT NOT NULL DEFAULT '';  -- the group's age band
)sql"};

}  // namespace

int schema_version() noexcept { return static_cast<int>(kMigrations.size()); }

int stored_schema_version(sqlite3* db) {
  Statement s(db, "PRAGMA user_version", nullptr);
  if (!s.valid() || s.step() != SQLITE_ROW) return -1;
  return static_cast<int>(s.int64(0));
}

bool migrate(sqlite3* db, StoreError* error) {
  const int current = stored_schema_version(db);
  if (current < 0) {
    if (error) *error = last_error(db, "reading the store's schema version");
    return false;
  }
  if (current > schema_version()) {
    if (error)
      *error = {SQLITE_ERROR,
                fmt::format("the store has schema version {}, newer than this edugate's {}; "
                            "upgrade edugate or point reporting.store at another file",
                            current, schema_version())};
    return false;
  }
  for (int v = current; v < schema_version(); ++v) {
    const auto step = fmt::format("BEGIN IMMEDIATE; {} PRAGMA user_version = {}; COMMIT;",
                                  kMigrations[static_cast<std::size_t>(v)], v + 1);
    if (!exec(db, step, error)) {
      exec(db, "ROLLBACK", nullptr);
      return false;
    }
  }
  return true;
}

}  // namespace edugate::reporting
