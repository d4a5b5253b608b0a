#pragma once

#include <chrono>

namespace edugate::reporting {

/// Says whether a repeated message should be logged now: at most once per `period` (e.g. the
/// store's flush error once per minute). Time is a parameter. Not thread-safe; one owner.
class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogThrottle(Clock::duration period) : period_(period) {}

  /// True (and remembers `now`) when nothing was allowed during the last `period`.
  bool allow(Clock::time_point now) noexcept {
    if (logged_ && now - last_ < period_) return false;
    logged_ = true;
    last_ = now;
    return true;
  }

 private:
  Clock::duration period_;
  bool logged_ = false;
  Clock::time_point last_{};
};

}  // namespace edugate::reporting
