#include "rules/normalize/search_terms.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "rules/normalize/url.hpp"

namespace edugate::rules {
namespace {

/// Extracts through the real normalisation path, as the proxy will.
std::optional<std::string> terms_of(const std::string& url) {
  const UrlResult r = parse_and_normalize_url(url);
  if (!r) return "<bad url>";
  return extract_search_terms(r.url->host, r.url->path, r.url->query);
}

struct EngineCase {
  const char* url;
  std::optional<std::string> expected;
};

TEST(ExtractSearchTerms, PerEngine) {
  const EngineCase cases[] = {
      // Google, any TLD, web search and suggestions.
      {"https://www.google.com/search?q=c%E1%BB%9D+b%E1%BA%A1c&hl=vi", "cờ bạc"},
      {"https://www.google.com.vn/search?hl=vi&q=xo+so", "xo so"},
      {"https://google.de/search?q=spiele", "spiele"},
      {"https://www.google.co.uk/search?q=a%26b", "a&b"},
      {"https://m.google.com/search?q=phim", "phim"},
      {"https://www.google.com/complete/search?client=chrome&q=game%20online", "game online"},
      {"https://www.google.com/maps?q=hanoi", std::nullopt},
      {"https://www.google.evil.com/search?q=x", std::nullopt},
      {"https://notgoogle.com/search?q=x", std::nullopt},
      // Bing.
      {"https://www.bing.com/search?q=c%E1%BB%9D+b%E1%BA%A1c&form=QBLH", "cờ bạc"},
      {"https://www.bing.com/images/search?q=meo", "meo"},
      {"https://www.bing.com/maps?q=x", std::nullopt},
      // YouTube.
      {"https://www.youtube.com/results?search_query=nh%E1%BA%A1c+remix", "nhạc remix"},
      {"https://m.youtube.com/results?sp=x&search_query=game", "game"},
      {"https://www.youtube.com/watch?v=abc&q=x", std::nullopt},
      // DuckDuckGo, both front ends.
      {"https://duckduckgo.com/?q=poker+online&t=h_", "poker online"},
      {"https://html.duckduckgo.com/html?q=casino", "casino"},
      {"https://html.duckduckgo.com/html/?q=casino", "casino"},
      {"https://duckduckgo.com/about?q=x", std::nullopt},
      // Cốc Cốc: query (current) and q.
      {"https://coccoc.com/search?query=c%E1%BB%9D%20b%E1%BA%A1c", "cờ bạc"},
      {"https://coccoc.com/search?q=xo+so", "xo so"},
      {"https://coccoc.com/search#query=hidden", std::nullopt},
      // Yahoo.
      {"https://search.yahoo.com/search?p=lottery&fr=yfp", "lottery"},
      {"https://vn.search.yahoo.com/search?p=xo+so", "xo so"},
      {"https://search.yahoo.com/search;_ylt=AbC?p=bet", "bet"},
      {"https://news.yahoo.com/search?p=x", std::nullopt},
      // Missing, empty and repeated parameters.
      {"https://www.google.com/search", std::nullopt},
      {"https://www.google.com/search?q=", std::nullopt},
      {"https://www.google.com/search?q=&q=second", "second"},
      {"https://www.google.com/search?qq=x", std::nullopt},
      // Escapes of '+' stay a plus; '+' itself is a space.
      {"https://www.google.com/search?q=c%2B%2B+tutorial", "c++ tutorial"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(terms_of(c.url), c.expected) << c.url;
  }
}

TEST(ExtractSearchTerms, FoldedTermsMatchAcrossSpellings) {
  const auto a = terms_of("https://www.google.com/search?q=C%E1%BB%9C+B%E1%BA%A0C");
  const auto b = terms_of("https://coccoc.com/search?query=co%20bac");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(fold_for_matching(*a), "co bac");
  EXPECT_EQ(fold_for_matching(*b), "co bac");
}

TEST(ExtractSearchTerms, MalformedQueryIsNoMatch) {
  EXPECT_EQ(extract_search_terms("www.google.com", "/search", "q=%zz"), std::nullopt);
}

}  // namespace
}  // namespace edugate::rules
