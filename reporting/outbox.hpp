#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/calendar.hpp"
#include "reporting/store.hpp"

namespace edugate::reporting {

/// A signed weekly report waiting for the department (reporting.push), or delivered.
struct OutboxEntry {
  std::string week;      ///< "2026-W48"
  std::string document;  ///< the signed JSON, byte for byte as built: never rebuilt
  std::int64_t created = 0;
  std::uint32_t attempts = 0;
  std::string last_error;
};

struct OutboxStats {
  std::size_t pending = 0;
  std::size_t rejected = 0;                 ///< given up: the department refused them for good
  std::int64_t oldest_pending_created = 0;  ///< 0 when nothing is pending
  std::string oldest_pending_week;
};

/// The last ISO week closed before `today` ("2026-W47" during W48); "" before 1970-W02.
std::string last_closed_week(LocalDay today);

/// The weeks to queue now, oldest first: every ISO week closed since `newest_queued` (exclusive)
/// up to the last closed one before `today`, at most `max_weeks` of them; only the last closed
/// week when nothing was ever queued (push just turned on: no backfill of old history). Pure.
std::vector<std::string> weeks_to_queue(LocalDay today,
                                        const std::optional<std::string>& newest_queued,
                                        int max_weeks);

/// The outbox table of the report store: each week's signed report is stored once, delivered
/// oldest first, and kept until the department acknowledges it (at least `keep_weeks` weeks of
/// undelivered reports are kept; delivered ones are kept as long, then dropped). Not
/// thread-safe: one owner (the main thread).
class Outbox {
 public:
  static std::unique_ptr<Outbox> open(const StoreOptions& options, StoreError* error);

  /// The newest week queued, not after `up_to` (a row from a clock that once ran ahead does not
  /// count); "" when none. Nullopt when the store cannot be read (then queue nothing).
  std::optional<std::string> newest_week(const std::string& up_to);
  /// Stores `document` for `week` unless that week is already there: never replaced, except a
  /// row built at a later time than `now` (the clock ran ahead then; that report is not real).
  std::optional<StoreError> add(const std::string& week, std::string_view document,
                                std::int64_t now);
  std::optional<OutboxEntry> oldest_pending();
  std::optional<StoreError> attempted(const std::string& week, std::int64_t now,
                                      std::string_view error);
  std::optional<StoreError> acknowledged(const std::string& week, std::int64_t now);
  /// Gives the week up (the department refuses it for good): later weeks go on.
  std::optional<StoreError> rejected(const std::string& week, std::int64_t now);
  /// Drops delivered or rejected reports older than `keep_weeks` weeks, and undelivered ones
  /// beyond the newest 52 (by week, never by the clock, which may be wrong).
  std::optional<StoreError> prune(std::int64_t now, int keep_weeks);
  OutboxStats stats();

 private:
  explicit Outbox(std::unique_ptr<Store> store) : store_(std::move(store)) {}
  std::unique_ptr<Store> store_;
};

}  // namespace edugate::reporting
