#include "reporting/calendar.hpp"

#include <fmt/format.h>

#include <charconv>
#include <chrono>

namespace edugate::reporting {

namespace {

using namespace std::chrono;

std::optional<int> number(std::string_view text) {
  int v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return v;
}

LocalDay day_of(const year_month_day& ymd) {
  return static_cast<LocalDay>(sys_days(ymd).time_since_epoch().count());
}

/// Monday of ISO week 1 of ISO year `y`: the week holding 4 January.
LocalDay week_one_monday(int y) {
  const LocalDay jan4 = day_of(year{y} / January / 4);
  return jan4 - (iso_weekday(jan4) - 1);
}

}  // namespace

std::optional<LocalDay> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = number(text.substr(0, 4)), m = number(text.substr(5, 2)),
             d = number(text.substr(8, 2));
  if (!y || !m || !d) return std::nullopt;
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)},
                           std::chrono::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return day_of(ymd);
}

std::string format_date(LocalDay day) {
  const year_month_day ymd{sys_days{days{day}}};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

int iso_weekday(LocalDay day) noexcept {
  return static_cast<int>(weekday{sys_days{days{day}}}.iso_encoding());
}

std::optional<DayRange> parse_iso_week(std::string_view text) {
  if (text.size() != 8 || text[4] != '-' || (text[5] != 'W' && text[5] != 'w')) return std::nullopt;
  const auto y = number(text.substr(0, 4)), w = number(text.substr(6, 2));
  if (!y || !w || *y < 1970 || *w < 1) return std::nullopt;
  const LocalDay monday = week_one_monday(*y) + (*w - 1) * 7;
  if (*w > 52 && monday >= week_one_monday(*y + 1)) return std::nullopt;
  return DayRange{monday, monday + 6};
}

std::string iso_week_of(LocalDay day) {
  const LocalDay thursday = day - (iso_weekday(day) - 1) + 3;  // the ISO year is the Thursday's
  const int y = static_cast<int>(year_month_day{sys_days{days{thursday}}}.year());
  const int week = (thursday - week_one_monday(y)) / 7 + 1;
  return fmt::format("{:04}-W{:02}", y, week);
}

}  // namespace edugate::reporting
