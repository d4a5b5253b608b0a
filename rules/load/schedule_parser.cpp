#include <fmt/format.h>

#include <array>
#include <cctype>

#include "rules/load/parse_context.hpp"

namespace edugate::rules::load {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int day_index(std::string_view name) {
  for (std::size_t i = 0; i < kDays.size(); ++i)
    if (kDays[i] == name) return static_cast<int>(i);
  return -1;
}

/// "mon", "mon-fri", "daily" → bit mask (bit 0 = Monday); 0 when malformed.
std::uint8_t parse_day_range(std::string_view text) {
  if (text == "daily") return 0x7f;
  const auto dash = text.find('-');
  const int first = day_index(text.substr(0, dash));
  const int last = dash == std::string_view::npos ? first : day_index(text.substr(dash + 1));
  if (first < 0 || last < first) return 0;
  std::uint8_t mask = 0;
  for (int d = first; d <= last; ++d) mask |= static_cast<std::uint8_t>(1u << d);
  return mask;
}

std::uint8_t parse_days(ParseContext& ctx, const YAML::Node& node) {
  const auto items = parse_entries(ctx, node, "days");
  if (!items) return 0;
  std::uint8_t mask = 0;
  for (const auto& item : *items) {
    const std::uint8_t m = parse_day_range(item.text);
    if (m == 0) {
      ctx.reader.error(node, fmt::format("'{}' is not a day or day range (mon, tue, wed, thu, "
                                         "fri, sat, sun, a range such as mon-fri, or daily)",
                                         item.text));
      return 0;
    }
    mask |= m;
  }
  return mask;
}

/// "HH:MM" → minutes since midnight; "24:00" is allowed as an end of day.
std::optional<std::uint16_t> parse_clock(ParseContext& ctx, const YAML::Node& node,
                                         std::string_view what) {
  const auto s = ctx.reader.string(node, what);
  if (!s) return std::nullopt;
  const std::string& t = *s;
  const bool shape = t.size() == 5 && t[2] == ':' &&
                     std::isdigit(static_cast<unsigned char>(t[0])) &&
                     std::isdigit(static_cast<unsigned char>(t[1])) &&
                     std::isdigit(static_cast<unsigned char>(t[3])) &&
                     std::isdigit(static_cast<unsigned char>(t[4]));
  const int h = shape ? (t[0] - '0') * 10 + (t[1] - '0') : 99;
  const int m = shape ? (t[3] - '0') * 10 + (t[4] - '0') : 99;
  if (!shape || m > 59 || h > 24 || (h == 24 && m != 0)) {
    ctx.reader.error(node,
                     fmt::format("{} '{}' must be a time HH:MM from 00:00 to 24:00", what, t));
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(h * 60 + m);
}

std::optional<WindowSpec> parse_window(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a schedule window", {"days", "from", "to"}) && !node.IsMap())
    return std::nullopt;
  const auto days = node["days"];
  const auto from = node["from"];
  const auto to = node["to"];
  if (!days || !from || !to) {
    ctx.reader.error(node,
                     "a window needs days, from and to, e.g. {days: mon-fri, from: "
                     "\"07:00\", to: \"16:30\"}");
    return std::nullopt;
  }
  WindowSpec w;
  w.pos = ctx.pos(node);
  w.days = parse_days(ctx, days);
  const auto f = parse_clock(ctx, from, "from");
  const auto t = parse_clock(ctx, to, "to");
  if (w.days == 0 || !f || !t) return std::nullopt;
  if (*f >= *t) {
    ctx.reader.error(to,
                     "to must be later than from (split a window that crosses midnight in "
                     "two)");
    return std::nullopt;
  }
  w.from = *f;
  w.to = *t;
  return w;
}

std::optional<ScheduleSpec> parse_schedule(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a schedule", {"id", "description", "windows"}) && !node.IsMap())
    return std::nullopt;
  const auto id = node["id"];
  const auto windows = node["windows"];
  if (!id || !windows) {
    ctx.reader.error(node, "a schedule needs an id and windows");
    return std::nullopt;
  }
  ScheduleSpec s;
  auto parsed = parse_id(ctx, id, "schedule id");
  if (!parsed) return std::nullopt;
  s.id = *parsed;
  s.pos = ctx.pos(id);
  if (const auto n = node["description"]) ctx.reader.string(n, "description");
  if (!windows.IsSequence() || windows.size() == 0) {
    ctx.reader.error(windows, "windows must be a non-empty list");
    return std::nullopt;
  }
  for (const auto& w : windows)
    if (auto parsed_window = parse_window(ctx, w)) s.windows.push_back(*parsed_window);
  return s;
}

}  // namespace

void parse_schedules(ParseContext& ctx, const YAML::Node& node, std::vector<ScheduleSpec>& out) {
  if (!node.IsSequence()) {
    ctx.reader.error(node, "schedules must be a list");
    return;
  }
  for (const auto& item : node)
    if (auto s = parse_schedule(ctx, item)) out.push_back(std::move(*s));
}

}  // namespace edugate::rules::load
