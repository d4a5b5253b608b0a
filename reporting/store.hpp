#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reporting/department_bundle.hpp"
#include "reporting/flush_batch.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/sqlite_handle.hpp"

namespace edugate::reporting {

struct StoreOptions {
  std::string path;
  /// Cap on the database file size (0 = none); writes beyond it fail with SQLITE_FULL.
  std::uint64_t max_bytes = 0;
  /// Open for reading only (report commands): no migration, no writes.
  bool read_only = false;
};

/// One day-level counter read back for a report.
struct DayCount {
  LocalDay day = 0;
  std::string group, category, action, domain;
  std::uint64_t requests = 0;
};

/// What a report needs from the store for a range of days.
struct StoreExtract {
  std::vector<DayCount> counts;                     ///< hourly and rolled-up rows, summed per day
  std::map<DeviceCell, std::uint64_t> devices;      ///< distinct-device lower bounds
  std::set<std::string> versions;                   ///< rule-set versions seen in the range
  std::vector<BundleInForce> bundles;               ///< department bundles, first day first
  std::map<std::string, CategoryLabel> categories;  ///< every category label known
  std::map<std::string, GroupLabel> groups;
};

/// The durable aggregate store: one SQLite file in WAL mode with synchronous=NORMAL, so a crash
/// of the process (kill -9) never loses a committed flush and never corrupts the file; a power
/// loss may lose the last flushes but still not corrupt it. Not thread-safe: one owner (the
/// flushing thread, or a report command). Several processes may open the same file.
class Store {
 public:
  /// Opens (creating and migrating when writable) the store; nullptr with `error` on failure.
  static std::unique_ptr<Store> open(const StoreOptions& options, StoreError* error);

  /// Writes a batch in one transaction: counts are added, device counts kept as the maximum,
  /// versions and labels upserted. On failure nothing of the batch is written.
  std::optional<StoreError> write(const FlushBatch& batch);
  /// Rolls hourly rows of hours before `before_hour` into daily rows, in one transaction.
  std::optional<StoreError> roll_up(std::int64_t before_hour);
  /// Everything stored for days `from`..`to` inclusive.
  std::optional<StoreError> read(LocalDay from, LocalDay to, StoreExtract& out);
  /// Runs PRAGMA integrity_check: "ok" when the file is sound.
  std::string integrity_check();

  sqlite3* handle() noexcept { return db_.get(); }

 private:
  explicit Store(SqliteDb db) : db_(std::move(db)) {}
  bool prepare(StoreError* error);
  std::optional<StoreError> write_rows(const FlushBatch& batch);
  std::optional<StoreError> read_counts(LocalDay from, LocalDay to, StoreExtract& out);
  std::optional<StoreError> read_rest(LocalDay from, LocalDay to, StoreExtract& out);

  SqliteDb db_;
  Statement add_count_, max_devices_, add_version_, add_bundle_, put_category_, put_group_;
};

}  // namespace edugate::reporting
