#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"

namespace edugate::rules {

/// What the school decided about a domain that pupils reported through the portal. Kept by
/// `edugate review` in a YAML file that edugate manages (`rules.review`, by default review.yaml
/// next to the school file), loaded as part of the school layer:
///
///   block:                                 # the domain joins the category
///     - {domain: bad.example, category: truong-chan, on: 2026-12-07}
///   allow:                                 # a school exception: for the group, or all groups
///     - {domain: good.example, group: thcs, on: 2026-12-07}
///   dismiss:                               # off the review list; nothing else changes
///     - {domain: other.example, on: 2026-12-07}
///
/// An exception never lifts a mandatory category, so `allow` cannot open what the department
/// made mandatory.
struct ReviewDecision {
  enum class Kind : std::uint8_t { block, allow, dismiss };
  Kind kind = Kind::dismiss;
  std::string domain;    ///< normalised
  std::string category;  ///< block: the category it joins
  std::string group;     ///< allow: the group, or empty for every group
  std::string on;        ///< the day of the decision, YYYY-MM-DD (may be empty)
};

/// "block", "allow", "dismiss".
std::string_view to_string(ReviewDecision::Kind kind) noexcept;

struct ReviewFile {
  std::vector<ReviewDecision> decisions;  ///< at most one per domain

  /// The decision about `domain`, or nullptr.
  const ReviewDecision* find(std::string_view domain) const noexcept;
  /// Replaces any decision about `decision.domain` with `decision`.
  void put(ReviewDecision decision);
};

/// Reads the review file at `path` with the loader's own parser: problems go to `diags` as
/// file:line:col and make the result nullopt. A file that does not exist is an empty one.
std::optional<ReviewFile> read_review_file(const std::string& path, Diagnostics& diags);

/// The file's YAML text, with a header saying who manages it. Every value is double-quoted (they
/// are host names, identifiers and dates: nothing in them needs escaping).
std::string format_review_file(const ReviewFile& file);

}  // namespace edugate::rules
