#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace edugate::rules {

/// Age bands of Vietnamese schooling plus staff. Department profiles are written per band.
enum class AgeBand : std::uint8_t { mam_non, tieu_hoc, thcs, thpt, staff };
inline constexpr int kAgeBandCount = 5;

/// "mam-non", "tieu-hoc", "thcs", "thpt", "staff".
std::string_view to_string(AgeBand band) noexcept;
/// Parses the names above; nullopt for anything else.
std::optional<AgeBand> parse_age_band(std::string_view text) noexcept;
/// True for the four pupil bands.
inline bool is_pupil(AgeBand band) noexcept { return band != AgeBand::staff; }

/// YouTube restricted mode: restrict.youtube.com (Strict) or restrictmoderate.youtube.com.
enum class YoutubeMode : std::uint8_t { strict, moderate };
std::string_view to_string(YoutubeMode mode) noexcept;

/// Safe-search policy of a group: whether search engines are forced to their safe endpoints.
struct SafeSearchPolicy {
  bool enabled = true;
  YoutubeMode youtube = YoutubeMode::strict;
  friend bool operator==(const SafeSearchPolicy&, const SafeSearchPolicy&) = default;
};

/// HTTPS inspection of a group (it needs the appliance's `inspection:` section and the school CA
/// on the pupils' devices): never (none), only to show the block page of a blocked CONNECT or
/// SNI (blocked_only), or every HTTPS connection except the exempt ones (all).
enum class InspectMode : std::uint8_t { none, blocked_only, all };
/// "none", "blocked-only", "all".
std::string_view to_string(InspectMode mode) noexcept;
/// Parses the names above; nullopt for anything else.
std::optional<InspectMode> parse_inspect_mode(std::string_view text) noexcept;

/// What kind of entry a rule is; see RuleInfo.
enum class RuleKind : std::uint8_t {
  domain,            ///< a domain (and its subdomains) of a category
  url_prefix,        ///< "host/path" prefix of a category (squidGuard `urls`)
  regex,             ///< RE2 pattern over "host/path?query" of a category
  keyword,           ///< folded search keyword of a category
  exception_domain,  ///< school exception: a domain allowed despite non-mandatory categories
  exception_url,     ///< school exception: a "host/path" prefix
  policy,            ///< a policy line (`block: [x]`, a scheduled entry, safe_search, default)
  builtin,           ///< built into edugate (e.g. "the host is an IP address")
};
std::string_view to_string(RuleKind kind) noexcept;

}  // namespace edugate::rules
