#include "rules/local_time.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "rules/rule_set.hpp"

namespace edugate::rules {

namespace {

LocalTime from_local_minutes(date::local_time<std::chrono::minutes> t) {
  const auto day = date::floor<date::days>(t);
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(t - day).count();
  LocalTime at;
  at.day = static_cast<std::int32_t>(day.time_since_epoch().count());
  at.minute_of_day = static_cast<std::uint16_t>(minute);
  at.weekday = static_cast<std::uint8_t>(date::weekday(day).iso_encoding() - 1);
  return at;
}

bool read_int(std::string_view text, std::size_t at, std::size_t width, int& out) {
  if (at + width > text.size()) return false;
  const char* begin = text.data() + at;
  for (std::size_t i = 0; i < width; ++i)
    if (begin[i] < '0' || begin[i] > '9') return false;
  return std::from_chars(begin, begin + width, out).ec == std::errc{};
}

}  // namespace

std::optional<TimeZone> TimeZone::locate(std::string_view name, std::string& error) {
  try {
    return TimeZone(date::locate_zone(name), std::string(name));
  } catch (const std::exception& e) {
    error = fmt::format("unknown time zone '{}' ({})", name, e.what());
    return std::nullopt;
  }
}

LocalTime TimeZone::local(std::chrono::system_clock::time_point when) const {
  const auto local = zone_->to_local(date::floor<std::chrono::minutes>(when));
  return from_local_minutes(date::floor<std::chrono::minutes>(local));
}

LocalTime to_local_time(const RuleSet& rules, std::chrono::system_clock::time_point when) {
  return rules.time_zone().local(when);
}

std::optional<LocalTime> parse_local_time(std::string_view text) {
  // YYYY-MM-DD HH:MM
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  if (text.size() != 16 || text[4] != '-' || text[7] != '-' ||
      (text[10] != ' ' && text[10] != 'T') || text[13] != ':')
    return std::nullopt;
  if (!read_int(text, 0, 4, y) || !read_int(text, 5, 2, mo) || !read_int(text, 8, 2, d) ||
      !read_int(text, 11, 2, h) || !read_int(text, 14, 2, mi))
    return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(mo)},
                                 date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59) return std::nullopt;
  const date::local_days day{ymd};
  return from_local_minutes(day + std::chrono::hours(h) + std::chrono::minutes(mi));
}

std::string_view weekday_name(int weekday) noexcept {
  static constexpr std::array<std::string_view, 7> kNames = {
      "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  return weekday >= 0 && weekday < 7 ? kNames[static_cast<std::size_t>(weekday)] : "?";
}

std::string format_local_time(const LocalTime& at) {
  const date::year_month_day ymd{date::sys_days{date::days{at.day}}};
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} {}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     at.minute_of_day / 60, at.minute_of_day % 60, weekday_name(at.weekday));
}

}  // namespace edugate::rules
