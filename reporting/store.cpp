#include "reporting/store.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reporting/schema.hpp"

namespace edugate::reporting {

namespace {

constexpr std::string_view kAddCount =
    "INSERT INTO hourly(hour, grp, category, action, domain, requests) VALUES(?,?,?,?,?,?) "
    "ON CONFLICT(hour, grp, category, action, domain) "
    "DO UPDATE SET requests = requests + excluded.requests";
constexpr std::string_view kMaxDevices =
    "INSERT INTO devices(day, grp, category, action, domain, devices) VALUES(?,?,?,?,?,?) "
    "ON CONFLICT(day, grp, category, action, domain) "
    "DO UPDATE SET devices = max(devices, excluded.devices)";
constexpr std::string_view kAddVersion =
    "INSERT OR IGNORE INTO rule_sets(day, version) VALUES(?,?)";
constexpr std::string_view kAddBundle =
    "INSERT OR IGNORE INTO department_bundles(day, version, source, verified) VALUES(?,?,?,?)";
constexpr std::string_view kPutCategory =
    "INSERT INTO category_labels(key, vi, en) VALUES(?,?,?) "
    "ON CONFLICT(key) DO UPDATE SET vi = excluded.vi, en = excluded.en";
constexpr std::string_view kPutGroup =
    "INSERT INTO group_labels(key, name, age) VALUES(?,?,?) "
    "ON CONFLICT(key) DO UPDATE SET name = excluded.name, age = excluded.age";

std::optional<StoreError> step_done(sqlite3* db, Statement& s, std::string_view doing) {
  const int rc = s.step();
  s.reset();
  if (rc == SQLITE_DONE) return std::nullopt;
  return last_error(db, doing);
}

}  // namespace

std::unique_ptr<Store> Store::open(const StoreOptions& options, StoreError* error) {
  sqlite3* raw = nullptr;
  const int flags =
      options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) {
    if (error)
      *error = {rc, fmt::format("cannot open store {}: {}", options.path,
                                raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc))};
    return nullptr;
  }
  sqlite3_extended_result_codes(db.get(), 1);
  std::unique_ptr<Store> store(new Store(std::move(db)));
  sqlite3* h = store->handle();
  if (!exec(h, "PRAGMA busy_timeout = 5000", error)) return nullptr;
  if (!options.read_only) {
    std::string pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
    if (options.max_bytes > 0)
      pragmas += fmt::format("PRAGMA max_page_count = {};",
                             std::max<std::uint64_t>(options.max_bytes / 4096, 8));
    if (!exec(h, pragmas, error) || !migrate(h, error)) return nullptr;
  }
  if (!store->prepare(error)) return nullptr;
  return store;
}

bool Store::prepare(StoreError* error) {
  sqlite3* db = db_.get();
  if (const int version = stored_schema_version(db); version != schema_version()) {
    if (error)
      *error = {SQLITE_ERROR,
                fmt::format("store schema version {} but this edugate reads {}{}", version,
                            schema_version(),
                            version < schema_version()
                                ? " (an older store: `systemctl restart edugate` upgrades it)"
                                : "")};
    return false;
  }
  add_count_ = Statement(db, kAddCount, error);
  max_devices_ = Statement(db, kMaxDevices, error);
  add_version_ = Statement(db, kAddVersion, error);
  add_bundle_ = Statement(db, kAddBundle, error);
  put_category_ = Statement(db, kPutCategory, error);
  put_group_ = Statement(db, kPutGroup, error);
  return add_count_.valid() && max_devices_.valid() && add_version_.valid() &&
         add_bundle_.valid() && put_category_.valid() && put_group_.valid();
}

std::optional<StoreError> Store::write(const FlushBatch& batch) {
  StoreError error;
  if (!exec(db_.get(), "BEGIN IMMEDIATE", &error)) return error;
  if (auto failed = write_rows(batch)) {
    exec(db_.get(), "ROLLBACK", nullptr);
    return failed;
  }
  if (!exec(db_.get(), "COMMIT", &error)) {
    exec(db_.get(), "ROLLBACK", nullptr);
    return error;
  }
  return std::nullopt;
}

std::optional<StoreError> Store::write_rows(const FlushBatch& batch) {
  sqlite3* db = db_.get();
  for (const auto& [c, n] : batch.counts) {
    add_count_.bind(1, c.hour).bind(2, c.group).bind(3, c.category).bind(4, c.action);
    add_count_.bind(5, c.domain).bind(6, static_cast<std::int64_t>(n));
    if (auto e = step_done(db, add_count_, "adding counts")) return e;
  }
  for (const auto& [c, n] : batch.devices) {
    max_devices_.bind(1, c.day).bind(2, c.group).bind(3, c.category).bind(4, c.action);
    max_devices_.bind(5, c.domain).bind(6, static_cast<std::int64_t>(n));
    if (auto e = step_done(db, max_devices_, "storing device counts")) return e;
  }
  for (const auto& [day, version] : batch.versions) {
    add_version_.bind(1, day).bind(2, version);
    if (auto e = step_done(db, add_version_, "storing rule-set versions")) return e;
  }
  for (const auto& [day, b] : batch.bundles) {
    add_bundle_.bind(1, day).bind(2, b.version).bind(3, b.source);
    add_bundle_.bind(4, std::int64_t{b.verified ? 1 : 0});
    if (auto e = step_done(db, add_bundle_, "storing department bundles")) return e;
  }
  for (const auto& [key, c] : batch.categories) {
    put_category_.bind(1, key).bind(2, c.vi).bind(3, c.en);
    if (auto e = step_done(db, put_category_, "storing category labels")) return e;
  }
  for (const auto& [key, g] : batch.groups) {
    put_group_.bind(1, key).bind(2, g.name).bind(3, g.age);
    if (auto e = step_done(db, put_group_, "storing group labels")) return e;
  }
  return std::nullopt;
}

std::optional<StoreError> Store::roll_up(std::int64_t before_hour) {
  const auto sql = fmt::format(
      "BEGIN IMMEDIATE;"
      "INSERT INTO daily(day, grp, category, action, domain, requests) "
      "SELECT hour / 24, grp, category, action, domain, SUM(requests) FROM hourly "
      "WHERE hour < {0} GROUP BY hour / 24, grp, category, action, domain "
      "ON CONFLICT(day, grp, category, action, domain) "
      "DO UPDATE SET requests = requests + excluded.requests;"
      "DELETE FROM hourly WHERE hour < {0};"
      "COMMIT;",
      before_hour);
  StoreError error;
  if (exec(db_.get(), sql, &error)) return std::nullopt;
  exec(db_.get(), "ROLLBACK", nullptr);
  return error;
}

std::string Store::integrity_check() {
  Statement s(db_.get(), "PRAGMA integrity_check", nullptr);
  std::string result;
  while (s.valid() && s.step() == SQLITE_ROW) {
    if (!result.empty()) result += '\n';
    result += s.text(0);
  }
  return result;
}

}  // namespace edugate::reporting
