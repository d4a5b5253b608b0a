#pragma once

#include <algorithm>
#include <chrono>

namespace edugate::reporting {

/// A token bucket rate limiter: up to `burst` requests at once, refilled at `per_second`. Pure
/// apart from its own state; time is a parameter (a steady clock). Not thread-safe; the report
/// endpoint keeps one per caller, on one thread.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;

  /// Starts full at time `now`. per_second > 0, burst >= 1.
  TokenBucket(double per_second, double burst, Clock::time_point now) noexcept
      : rate_(per_second), burst_(burst), tokens_(burst), last_(now) {}

  /// Takes one token if available at `now` (true = allow the request). A `now` earlier than a
  /// previous call is treated as no time having passed.
  bool try_take(Clock::time_point now) noexcept {
    refill(now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  /// Seconds until one token is available at `now` (0 when one is): for a Retry-After header.
  double wait_seconds(Clock::time_point now) noexcept {
    refill(now);
    return tokens_ >= 1.0 ? 0.0 : (1.0 - tokens_) / rate_;
  }

 private:
  void refill(Clock::time_point now) noexcept {
    if (now <= last_) return;
    const double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }

  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace edugate::reporting
