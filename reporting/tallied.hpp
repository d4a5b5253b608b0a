#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "rules/decision.hpp"

namespace edugate::reporting {

/// What a counter counts: the five decision actions, plus two block-page events that are not
/// requests (a pupil asked for a review of a block; someone reported a site as harmful).
/// The order is for memory only: the store and reports use the text of to_string().
enum class Tallied : std::uint8_t {
  allow,
  block,
  warn,
  safe_search,
  would_block,
  review_request,
  site_report
};

inline constexpr int kTalliedCount = 7;

/// True for the decision actions: they make up the "all requests" totals; events do not.
constexpr bool is_request(Tallied t) noexcept { return t <= Tallied::would_block; }

/// The tally for a decision action.
constexpr Tallied tallied(rules::Action a) noexcept {
  switch (a) {
    case rules::Action::allow:
      return Tallied::allow;
    case rules::Action::block:
      return Tallied::block;
    case rules::Action::warn:
      return Tallied::warn;
    case rules::Action::safe_search:
      return Tallied::safe_search;
    case rules::Action::would_block:
      return Tallied::would_block;
  }
  return Tallied::allow;
}

/// Stable text used in the store and in reports ("block", "review_request", ...).
std::string_view to_string(Tallied t) noexcept;
/// Inverse of to_string; nullopt for unknown text.
std::optional<Tallied> parse_tallied(std::string_view text) noexcept;
/// Bilingual display labels.
std::string_view label_vi(Tallied t) noexcept;
std::string_view label_en(Tallied t) noexcept;

}  // namespace edugate::reporting
