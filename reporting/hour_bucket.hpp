#pragma once

#include <cstdint>

#include "rules/request_facts.hpp"

namespace edugate::reporting {

/// A local calendar day, days since 1970-01-01 in the school's time zone (same as
/// rules::LocalTime::day).
using LocalDay = std::int32_t;

/// The hour a request is counted in: local day plus hour of day. Only this coarse bucket is ever
/// kept; exact timestamps never reach the reporting library.
struct HourBucket {
  LocalDay day = 0;
  std::uint8_t hour = 0;  ///< 0..23

  /// The bucket a request made at local time `t` falls in. Pure, thread-safe.
  static constexpr HourBucket from(const rules::LocalTime& t) noexcept {
    return {t.day, static_cast<std::uint8_t>(t.minute_of_day / 60 % 24)};
  }
  /// Hours since 1970-01-01 00:00 local: the key the store uses for hourly rows.
  constexpr std::int64_t index() const noexcept { return std::int64_t{day} * 24 + hour; }
  friend constexpr bool operator==(const HourBucket&, const HourBucket&) = default;
};

}  // namespace edugate::reporting
