#include "rules/safe_search.hpp"

#include <array>

#include "rules/rule_set.hpp"

namespace edugate::rules {

namespace {

bool is_short_alpha(std::string_view label, std::size_t max) {
  if (label.empty() || label.size() > max) return false;
  for (char c : label)
    if (c < 'a' || c > 'z') return false;
  return true;
}

/// google.<tld>: "com", a two-letter country code, or "com."/"co." plus a country code.
bool is_google_search(std::string_view host) {
  if (host.starts_with("www.")) host.remove_prefix(4);
  if (!host.starts_with("google.")) return false;
  const std::string_view tld = host.substr(7);
  if (tld == "com" || is_short_alpha(tld, 2)) return true;
  const auto dot = tld.find('.');
  if (dot == std::string_view::npos) return false;
  const std::string_view first = tld.substr(0, dot);
  return (first == "com" || first == "co") && is_short_alpha(tld.substr(dot + 1), 2);
}

constexpr std::array<std::string_view, 6> kYoutubeHosts = {
    "www.youtube.com",         "m.youtube.com",          "youtube.com",
    "youtubei.googleapis.com", "youtube.googleapis.com", "www.youtube-nocookie.com"};

}  // namespace

SearchEngine search_engine_of(std::string_view host) noexcept {
  for (const auto h : kYoutubeHosts)
    if (host == h) return SearchEngine::youtube;
  if (host == "bing.com" || host == "www.bing.com") return SearchEngine::bing;
  if (host == "duckduckgo.com" || host == "www.duckduckgo.com") return SearchEngine::duckduckgo;
  if (is_google_search(host)) return SearchEngine::google;
  return SearchEngine::none;
}

std::optional<SafeSearchRewrite> safe_search_rewrite(const RuleSet& rules, GroupId group,
                                                     std::string_view host) noexcept {
  const GroupId g = group < rules.group_count() ? group : kDefaultGroup;  // as decide() does
  const SafeSearchPolicy& policy = rules.group(g).safe_search;
  if (!policy.enabled) return std::nullopt;
  SafeSearchRewrite r;
  r.engine = search_engine_of(host);
  switch (r.engine) {
    case SearchEngine::none:
      return std::nullopt;
    case SearchEngine::google:
      r.connect_host = "forcesafesearch.google.com";
      r.query_parameter = "safe=active";
      break;
    case SearchEngine::youtube: {
      const bool strict = policy.youtube == YoutubeMode::strict;
      r.connect_host = strict ? "restrict.youtube.com" : "restrictmoderate.youtube.com";
      r.header_name = "YouTube-Restrict";
      r.header_value = strict ? "Strict" : "Moderate";
      break;
    }
    case SearchEngine::bing:
      r.connect_host = "strict.bing.com";
      r.query_parameter = "adlt=strict";
      break;
    case SearchEngine::duckduckgo:
      r.connect_host = "safe.duckduckgo.com";
      r.query_parameter = "kp=1";
      break;
  }
  return r;
}

}  // namespace edugate::rules
