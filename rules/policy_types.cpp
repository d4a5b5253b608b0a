#include "rules/policy_types.hpp"

#include <array>

namespace edugate::rules {

namespace {
constexpr std::array<std::string_view, kAgeBandCount> kAgeBandNames = {"mam-non", "tieu-hoc",
                                                                       "thcs", "thpt", "staff"};
}  // namespace

std::string_view to_string(AgeBand band) noexcept {
  return kAgeBandNames[static_cast<std::size_t>(band)];
}

std::optional<AgeBand> parse_age_band(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kAgeBandNames.size(); ++i)
    if (kAgeBandNames[i] == text) return static_cast<AgeBand>(i);
  return std::nullopt;
}

std::string_view to_string(YoutubeMode mode) noexcept {
  return mode == YoutubeMode::strict ? "strict" : "moderate";
}

std::string_view to_string(InspectMode mode) noexcept {
  switch (mode) {
    case InspectMode::none:
      return "none";
    case InspectMode::blocked_only:
      return "blocked-only";
    case InspectMode::all:
      return "all";
  }
  return "none";
}

std::optional<InspectMode> parse_inspect_mode(std::string_view text) noexcept {
  for (const auto mode : {InspectMode::none, InspectMode::blocked_only, InspectMode::all})
    if (to_string(mode) == text) return mode;
  return std::nullopt;
}

std::string_view to_string(RuleKind kind) noexcept {
  switch (kind) {
    case RuleKind::domain:
      return "domain";
    case RuleKind::url_prefix:
      return "URL prefix";
    case RuleKind::regex:
      return "URL regex";
    case RuleKind::keyword:
      return "search keyword";
    case RuleKind::exception_domain:
      return "exception domain";
    case RuleKind::exception_url:
      return "exception URL prefix";
    case RuleKind::policy:
      return "policy";
    case RuleKind::builtin:
      return "built-in";
  }
  return "rule";
}

}  // namespace edugate::rules
