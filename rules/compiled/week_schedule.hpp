#pragma once

#include <array>
#include <cstdint>

#include "rules/request_facts.hpp"

namespace edugate::rules::compiled {

/// A set of minutes of the week (Monday 00:00 .. Sunday 23:59, local time) as a bitmap, so that
/// "is this schedule active now" is one bit test.
class WeekSchedule {
 public:
  static constexpr int kMinutesPerDay = 24 * 60;
  static constexpr int kMinutes = 7 * kMinutesPerDay;

  /// Adds [from, to) minutes of `weekday` (0 = Monday). Precondition: from <= to <= 1440.
  void add(int weekday, int from, int to) noexcept {
    for (int m = from; m < to; ++m) set(weekday * kMinutesPerDay + m);
  }
  /// True when the local time falls inside the schedule. Out-of-range fields read as outside.
  bool contains(const LocalTime& at) const noexcept {
    if (at.weekday > 6 || at.minute_of_day >= kMinutesPerDay) return false;
    const int m = at.weekday * kMinutesPerDay + at.minute_of_day;
    return (bits_[static_cast<std::size_t>(m) / 64] >> (m % 64)) & 1u;
  }

 private:
  void set(int m) noexcept {
    bits_[static_cast<std::size_t>(m) / 64] |= std::uint64_t{1} << (m % 64);
  }
  std::array<std::uint64_t, (kMinutes + 63) / 64> bits_{};
};

}  // namespace edugate::rules::compiled
