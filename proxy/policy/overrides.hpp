#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "rules/request_facts.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::policy {

using TimePoint = std::chrono::system_clock::time_point;

/// A teacher opened, for one lesson, a category or a domain to a pupil group
/// (http://edugate.lan/mo-khoa). Who did it is never kept.
struct Override {
  std::uint64_t id = 0;
  std::string group;     ///< group id
  std::string category;  ///< a non-mandatory category id; "" when a domain is opened
  std::string domain;    ///< normalised; when category is ""
  TimePoint until;
};

/// The overrides in force, shared by every worker. Opening or ending one bumps a version that
/// the workers compare with their cached copy (one atomic load per request, no lock); the lock
/// is taken only when something changed or an override ran out. Thread-safe.
class OverrideBoard {
 public:
  static constexpr std::size_t kMaxActive = 32;
  static constexpr int kWrongCodesPerMinute = 10;        ///< per device
  static constexpr int kWrongCodesPerMinuteInAll = 100;  ///< from every device together

  /// Opens `o` (its id is assigned) and returns the id; nullopt when kMaxActive are in force.
  std::optional<std::uint64_t> open(Override o, TimePoint now);
  /// Ends override `id` early; false when there is none.
  bool close(std::uint64_t id);
  /// The overrides in force at `now`; those that ran out are dropped (and the version bumped).
  /// `version`, when given, receives the version of exactly this list (read under the lock).
  std::shared_ptr<const std::vector<Override>> current(TimePoint now,
                                                       std::uint64_t* version = nullptr);
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }

  /// Overrides opened so far by (group, category or "domain"), for /metrics.
  std::map<std::pair<std::string, std::string>, std::uint64_t> opened() const;
  /// Teacher codes tried: false while `device` (the daily device pseudonym) sent
  /// kWrongCodesPerMinute wrong ones in the last minute, or, for a wrong code, while every
  /// device together sent kWrongCodesPerMinuteInAll. Per device, so that a pupil at one staff PC
  /// guessing codes does not lock the teachers out; in all (wrong codes only, so that a teacher
  /// with the right code is never turned away by others' guessing), so that many PCs together
  /// cannot guess fast.
  bool may_try_code(std::uint64_t device, TimePoint now, bool code_is_right);
  void wrong_code(std::uint64_t device, TimePoint now);

 private:
  void publish(std::vector<Override> next);  // mutex_ held

  mutable std::mutex mutex_;
  std::shared_ptr<const std::vector<Override>> active_ =
      std::make_shared<const std::vector<Override>>();
  std::atomic<std::uint64_t> version_{1};
  std::uint64_t next_id_ = 1;
  std::map<std::pair<std::string, std::string>, std::uint64_t> opened_;
  void forget_old_wrong_codes(TimePoint now);              // mutex_ held
  std::deque<std::pair<TimePoint, std::uint64_t>> wrong_;  ///< the last minute's, oldest first
};

/// One worker's copy of the board, resolved against the worker's rule set (group and category
/// ids), so that a request costs one atomic load and two comparisons when nothing changed.
/// Used by one thread only.
class OverrideCache {
 public:
  /// The grants in force for `rules` at `now` (views stay valid until the next call).
  std::span<const rules::Grant> grants(OverrideBoard* board, const rules::RuleSet& rules,
                                       TimePoint now);

 private:
  std::uint64_t version_ = 0;
  const rules::RuleSet* rules_ = nullptr;
  std::string rules_version_;  ///< with the address: a new set at a freed set's address differs
  TimePoint first_end_ = TimePoint::max();
  std::shared_ptr<const std::vector<Override>> overrides_;
  std::vector<rules::Grant> grants_;
};

}  // namespace edugate::proxy::policy
