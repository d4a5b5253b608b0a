#pragma once

#include <optional>
#include <string_view>

#include "rules/ids.hpp"

namespace edugate::rules {

class RuleSet;

/// Search engines whose safe mode edugate can lock on without decrypting traffic.
enum class SearchEngine : std::uint8_t { none, google, youtube, bing, duckduckgo };

/// Which engine a normalised host belongs to, for safe-search purposes:
/// - Google web search: google.<tld>, www.google.<tld> with <tld> such as com, com.vn, co.uk, de;
/// - YouTube: www.youtube.com, m.youtube.com, youtube.com, youtubei.googleapis.com,
///   youtube.googleapis.com, www.youtube-nocookie.com;
/// - Bing: bing.com, www.bing.com; DuckDuckGo: duckduckgo.com, www.duckduckgo.com.
/// Hosts that already are the safe endpoints map to SearchEngine::none. Pure.
SearchEngine search_engine_of(std::string_view host) noexcept;

/// How to force safe search on one request. Views point to static strings.
struct SafeSearchRewrite {
  SearchEngine engine = SearchEngine::none;
  /// Host to connect to instead of the requested one (CONNECT: the TLS session stays end to
  /// end, SNI and certificate name are unchanged): forcesafesearch.google.com,
  /// restrict.youtube.com / restrictmoderate.youtube.com, strict.bing.com, safe.duckduckgo.com.
  std::string_view connect_host;
  /// Plain HTTP only: query parameter to set ("safe=active", "adlt=strict", "kp=1"); empty if
  /// none. Replaces any value the client sent for the same name.
  std::string_view query_parameter;
  /// Plain HTTP only: request header to set ("YouTube-Restrict: Strict"); empty if none.
  std::string_view header_name;
  std::string_view header_value;
};

/// The safe-search rewrite for a request to `host` from `group`, or nullopt when the group has
/// safe search off or the host is not a search engine. Pure; no allocation; thread-safe. An
/// out-of-range group is read as kDefaultGroup, as decide() does.
std::optional<SafeSearchRewrite> safe_search_rewrite(const RuleSet& rules, GroupId group,
                                                     std::string_view host) noexcept;

}  // namespace edugate::rules
