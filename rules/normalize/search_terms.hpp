#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/normalize/text_fold.hpp"

namespace edugate::rules {

/// The search text a user typed, taken from a request to a known search engine, with percent
/// escapes decoded and '+' read as a space (not folded: pass it to fold_for_matching()).
/// `host` is in normalize_host() form; `path` and `query` as in NormalizedUrl. Engines:
/// - Google: [www.|m.]google.<tld> and google.com.<cc>/google.co.<cc>, /search and
///   /complete/search, parameter q;
/// - Bing: [www.|m.|cn.]bing.com, /search (also /images/search, /videos/search, /news/search), q;
/// - YouTube: [www.|m.|music.]youtube.com, /results, search_query (or q);
/// - DuckDuckGo: duckduckgo.com/?q=, html.duckduckgo.com/html, lite.duckduckgo.com/lite, q;
/// - Cốc Cốc: [www.]coccoc.com, /search, query (or q);
/// - Yahoo: search.yahoo.com and <cc>.search.yahoo.com, /search (also "/search;_ylt=..."), p.
/// The first non-empty value of the parameter wins. Returns nullopt for other URLs, a missing or
/// empty parameter, or a query that is not well-formed. Pure, thread-safe.
std::optional<std::string> extract_search_terms(std::string_view host, std::string_view path,
                                                std::string_view query);

}  // namespace edugate::rules
