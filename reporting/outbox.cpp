#include "reporting/outbox.hpp"

#include <algorithm>

namespace edugate::reporting {

std::vector<std::string> weeks_to_queue(LocalDay today,
                                        const std::optional<std::string>& newest_queued,
                                        int max_weeks) {
  std::vector<std::string> out;
  const auto this_week = parse_iso_week(iso_week_of(today));
  if (!this_week) return out;
  LocalDay monday = this_week->from - 7;  // the last closed week
  for (int i = 0; i < max_weeks; ++i, monday -= 7) {
    const auto week = iso_week_of(monday);
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

std::optional<std::string> Outbox::newest_week() {
  Statement s(store_->handle(), "SELECT COALESCE(MAX(week), '') FROM outbox", nullptr);
  if (!s.valid() || s.step() != SQLITE_ROW) return std::nullopt;
  auto week = s.text(0);
  if (week.empty()) return std::nullopt;
  return week;
}

std::optional<StoreError> Outbox::add(const std::string& week, std::string_view document,
                                      std::int64_t now) {
  StoreError error;
  Statement s(store_->handle(),
              "INSERT OR IGNORE INTO outbox(week, document, created) VALUES(?,?,?)", &error);
  if (!s.valid()) return error;
  s.bind(1, week).bind(2, document).bind(3, now);
  if (s.step() != SQLITE_DONE) return last_error(store_->handle(), "queueing a report");
  return std::nullopt;
}

std::optional<OutboxEntry> Outbox::oldest_pending() {
  Statement s(store_->handle(),
              "SELECT week, document, created, attempts, last_error FROM outbox "
              "WHERE acked IS NULL ORDER BY week LIMIT 1",
              nullptr);
  if (!s.valid() || s.step() != SQLITE_ROW) return std::nullopt;
  return OutboxEntry{s.text(0), s.text(1), s.int64(2), static_cast<std::uint32_t>(s.int64(3)),
                     s.text(4)};
}

std::optional<StoreError> Outbox::attempted(const std::string& week, std::int64_t now,
                                            std::string_view why) {
  StoreError error;
  Statement s(store_->handle(),
              "UPDATE outbox SET attempts = attempts + 1, last_attempt = ?, last_error = ? "
              "WHERE week = ?",
              &error);
  if (!s.valid()) return error;
  s.bind(1, now).bind(2, why).bind(3, week);
  if (s.step() != SQLITE_DONE) return last_error(store_->handle(), "recording a push attempt");
  return std::nullopt;
}

std::optional<StoreError> Outbox::acknowledged(const std::string& week, std::int64_t now) {
  StoreError error;
  Statement s(store_->handle(),
              "UPDATE outbox SET attempts = attempts + 1, last_attempt = ?1, acked = ?1, "
              "last_error = '' WHERE week = ?2",
              &error);
  if (!s.valid()) return error;
  s.bind(1, now).bind(2, week);
  if (s.step() != SQLITE_DONE) return last_error(store_->handle(), "recording a delivery");
  return std::nullopt;
}

std::optional<StoreError> Outbox::prune(std::int64_t now, int keep_weeks) {
  StoreError error;
  Statement s(store_->handle(),
              "DELETE FROM outbox WHERE (acked IS NOT NULL AND created < ?1) OR created < ?2",
              &error);
  if (!s.valid()) return error;
  s.bind(1, now - std::int64_t{keep_weeks} * 7 * 86400).bind(2, now - std::int64_t{366} * 86400);
  if (s.step() != SQLITE_DONE) return last_error(store_->handle(), "pruning the outbox");
  return std::nullopt;
}

OutboxStats Outbox::stats() {
  OutboxStats out;
  Statement s(store_->handle(),
              "SELECT COUNT(*), MIN(created), MIN(week) FROM outbox WHERE acked IS NULL", nullptr);
  if (!s.valid() || s.step() != SQLITE_ROW) return out;
  out.pending = static_cast<std::size_t>(s.int64(0));
  if (out.pending > 0) {
    out.oldest_pending_created = s.int64(1);
    out.oldest_pending_week = s.text(2);
  }
  return out;
}

}  // namespace edugate::reporting
