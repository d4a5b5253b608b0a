#include "reporting/outbox.hpp"

#include <algorithm>

namespace edugate::reporting {

namespace {

/// Runs one statement that returns no row, binding `args` to ?1, ?2, … in order.
template <class... Args>
std::optional<StoreError> run(sqlite3* db, std::string_view sql, std::string_view doing,
                              const Args&... args) {
  StoreError error;
  Statement s(db, sql, &error);
  if (!s.valid()) return error;
  int i = 0;
  (s.bind(++i, args), ...);
  if (s.step() != SQLITE_DONE) return last_error(db, doing);
  return std::nullopt;
}

}  // namespace

std::string last_closed_week(LocalDay today) {
  const auto this_week = parse_iso_week(iso_week_of(today));
  if (!this_week || !parse_iso_week(iso_week_of(this_week->from - 7))) return {};
  return iso_week_of(this_week->from - 7);
}

std::vector<std::string> weeks_to_queue(LocalDay today,
                                        const std::optional<std::string>& newest_queued,
                                        int max_weeks) {
  std::vector<std::string> out;
  const auto last = last_closed_week(today);
  if (last.empty()) return out;
  LocalDay monday = parse_iso_week(last)->from;
  for (int i = 0; i < max_weeks; ++i, monday -= 7) {
    const auto week = iso_week_of(monday);
    if (!parse_iso_week(week)) break;                    // before 1970
    if (newest_queued && week <= *newest_queued) break;  // "YYYY-Www" sorts as time does
    out.push_back(week);
    if (!newest_queued) break;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::unique_ptr<Outbox> Outbox::open(const StoreOptions& options, StoreError* error) {
  auto store = Store::open(options, error);
  if (!store) return nullptr;
  return std::unique_ptr<Outbox>(new Outbox(std::move(store)));
}

std::optional<std::string> Outbox::newest_week(const std::string& up_to) {
  Statement s(store_->handle(), "SELECT COALESCE(MAX(week), '') FROM outbox WHERE week <= ?",
              nullptr);
  if (!s.valid()) return std::nullopt;
  s.bind(1, up_to);
  if (s.step() != SQLITE_ROW) return std::nullopt;
  return s.text(0);
}

std::optional<StoreError> Outbox::add(const std::string& week, std::string_view document,
                                      std::int64_t now) {
  return run(store_->handle(),
             "INSERT INTO outbox(week, document, created) VALUES(?,?,?) ON CONFLICT(week) DO "
             "UPDATE SET document = excluded.document, created = excluded.created, attempts = 0, "
             "last_attempt = NULL, last_error = '', acked = NULL, rejected = NULL "
             "WHERE outbox.created > excluded.created",
             "queueing a report", week, document, now);
}

std::optional<OutboxEntry> Outbox::oldest_pending() {
  Statement s(store_->handle(),
              "SELECT week, document, created, attempts, last_error FROM outbox "
              "WHERE acked IS NULL AND rejected IS NULL ORDER BY week LIMIT 1",
              nullptr);
  if (!s.valid() || s.step() != SQLITE_ROW) return std::nullopt;
  return OutboxEntry{s.text(0), s.text(1), s.int64(2), static_cast<std::uint32_t>(s.int64(3)),
                     s.text(4)};
}

std::optional<StoreError> Outbox::attempted(const std::string& week, std::int64_t now,
                                            std::string_view why) {
  return run(store_->handle(),
             "UPDATE outbox SET attempts = attempts + 1, last_attempt = ?, last_error = ? "
             "WHERE week = ?",
             "recording a push attempt", now, why, week);
}

std::optional<StoreError> Outbox::acknowledged(const std::string& week, std::int64_t now) {
  return run(store_->handle(),
             "UPDATE outbox SET attempts = attempts + 1, last_attempt = ?1, acked = ?1, "
             "last_error = '' WHERE week = ?2",
             "recording a delivery", now, week);
}

std::optional<StoreError> Outbox::rejected(const std::string& week, std::int64_t now) {
  return run(store_->handle(), "UPDATE outbox SET rejected = ? WHERE week = ?",
             "giving a report up", now, week);
}

std::optional<StoreError> Outbox::prune(std::int64_t now, int keep_weeks) {
  return run(store_->handle(),
             "DELETE FROM outbox WHERE ((acked IS NOT NULL OR rejected IS NOT NULL) AND "
             "created < ?1) OR week IN (SELECT week FROM outbox WHERE acked IS NULL AND "
             "rejected IS NULL ORDER BY week DESC LIMIT -1 OFFSET 52)",
             "pruning the outbox", now - std::int64_t{keep_weeks} * 7 * 86400);
}

OutboxStats Outbox::stats() {
  OutboxStats out;
  Statement s(store_->handle(),
              "SELECT COUNT(*), MIN(created), MIN(week), "
              "(SELECT COUNT(*) FROM outbox WHERE rejected IS NOT NULL) "
              "FROM outbox WHERE acked IS NULL AND rejected IS NULL",
              nullptr);
  if (!s.valid() || s.step() != SQLITE_ROW) return out;
  out.pending = static_cast<std::size_t>(s.int64(0));
  out.rejected = static_cast<std::size_t>(s.int64(3));
  if (out.pending > 0) {
    out.oldest_pending_created = s.int64(1);
    out.oldest_pending_week = s.text(2);
  }
  return out;
}

}  // namespace edugate::reporting
