#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "rules/request_facts.hpp"

namespace date {
class time_zone;
}  // namespace date

namespace edugate::rules {

class RuleSet;

/// An IANA time zone from the operating system's tz database (Howard Hinnant's date/tz with
/// USE_OS_TZDB), used to turn the caller's clock reading into the school's wall-clock time.
/// Cheap to copy (it points into the process-wide, immutable tz database). Thread-safe.
class TimeZone {
 public:
  /// Looks the zone up ("Asia/Ho_Chi_Minh"); nullopt with `error` set when it is unknown.
  static std::optional<TimeZone> locate(std::string_view name, std::string& error);

  /// Local calendar day, weekday and minute of `when` in this zone. Pure.
  LocalTime local(std::chrono::system_clock::time_point when) const;
  const std::string& name() const noexcept { return name_; }

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const date::time_zone* zone_;
  std::string name_;
};

/// The school's local time for `when`, in the rule set's time zone. The caller reads the clock;
/// rules/ never does. Pure, thread-safe.
LocalTime to_local_time(const RuleSet& rules, std::chrono::system_clock::time_point when);

/// Builds a LocalTime from a civil date and time as written by an admin, "2026-11-23 10:15" (also
/// "2026-11-23T10:15"); the weekday is computed from the date. nullopt when malformed.
std::optional<LocalTime> parse_local_time(std::string_view text);

/// "2026-11-23 10:15 Monday": the inverse of parse_local_time() plus the weekday name.
std::string format_local_time(const LocalTime& at);

/// English weekday name, 0 = Monday.
std::string_view weekday_name(int weekday) noexcept;

}  // namespace edugate::rules
