#include <fmt/format.h>
#include <gtest/gtest.h>

#include "rules/compiled/prefix_index.hpp"
#include "rules/compiled/regex_index.hpp"
#include "rules/compiled/regex_text.hpp"

namespace edugate::rules::compiled {
namespace {

TEST(PathPrefix, MatchesAtSegmentBoundaries) {
  struct Case {
    const char* path;
    const char* query;
    const char* prefix;
    bool match;
  };
  const Case cases[] = {
      {"/games", "", "/games", true},
      {"/games/x", "", "/games", true},
      {"/gamesroom", "", "/games", false},
      {"/games", "id=1", "/games", true},
      {"/games/", "", "/games/", true},
      {"/gamesx", "", "/games/", false},
      {"/a", "", "/", true},
      {"/", "", "/a", false},
      {"/index.php", "id=3", "/index.php?id=3", true},
      {"/index.php", "id=4", "/index.php?id=3", false},
      {"/index.php", "", "/index.php?id=3", false},
      {"/index.phpx", "id=3", "/index.php?id=3", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(matches_path_prefix(c.path, c.query, c.prefix), c.match)
        << c.path << "?" << c.query << " vs " << c.prefix;
}

TEST(PrefixIndex, HostSuffixesThenLongestPrefixFirst) {
  PrefixIndexBuilder b;
  EXPECT_TRUE(b.add("news.example", "/games", 7));
  EXPECT_TRUE(b.add("news.example", "/games/arcade", 8));
  EXPECT_FALSE(b.add("news.example", "/games", 9));
  const PrefixIndex idx = b.freeze();
  std::vector<RuleId> hits;
  idx.match(HostSuffixes("www.news.example", false), "/games/arcade/1", "",
            [&](RuleId r, std::size_t) { hits.push_back(r); });
  EXPECT_EQ(hits, (std::vector<RuleId>{8, 7}));
  hits.clear();
  idx.match(HostSuffixes("othernews.example", false), "/games", "",
            [&](RuleId r, std::size_t) { hits.push_back(r); });
  EXPECT_TRUE(hits.empty());
}

TEST(RegexText, SquidGuardForm) {
  char buf[64];
  RequestFacts f;
  f.host = "example.com";
  f.scheme = Scheme::http;
  f.port = 80;
  f.path = "/a";
  f.query = "b=1";
  EXPECT_EQ(std::string_view(buf, write_regex_text(f, buf, sizeof buf)), "example.com/a?b=1");
  f.port = 8080;
  f.query = "";
  EXPECT_EQ(std::string_view(buf, write_regex_text(f, buf, sizeof buf)), "example.com:8080/a");
  f.host = "2001:db8::1";
  f.scheme = Scheme::https;
  f.port = 443;
  f.path = "";
  EXPECT_EQ(std::string_view(buf, write_regex_text(f, buf, sizeof buf)), "[2001:db8::1]/");
  f.path = std::string_view("/0123456789012345678901234567890123456789012345678901234567890123");
  EXPECT_EQ(write_regex_text(f, buf, sizeof buf), sizeof buf + 1);
}

TEST(RegexIndex, ReportsParseErrorsAndMatchesPerCategory) {
  RegexIndexBuilder b;
  EXPECT_EQ(b.add(1, "(open", 0), std::optional<std::string>("missing ): (open"));
  EXPECT_EQ(b.add(1, "casino[0-9]+", 10), std::nullopt);
  EXPECT_EQ(b.add(1, "^bet\\.", 11), std::nullopt);
  EXPECT_EQ(b.add(2, "/porn/", 12), std::nullopt);
  b.set_rule(1, 100);
  b.set_rule(2, 200);
  RegexIndex idx;
  EXPECT_TRUE(b.build(64 << 20, idx).empty());
  std::vector<std::pair<CategoryId, RuleId>> hits;
  EXPECT_TRUE(idx.match("casino77.example/porn/x", [&](CategoryId c, RuleId r) {
    hits.emplace_back(c, r);
    return true;
  }));
  EXPECT_EQ(hits, (std::vector<std::pair<CategoryId, RuleId>>{{1, 100}, {2, 200}}));
  bool failed = true;
  EXPECT_EQ(idx.matching_rules("bet.example/casino1", failed), (std::vector<RuleId>{10, 11}));
  EXPECT_FALSE(failed);
  hits.clear();
  EXPECT_TRUE(idx.match("example.org/", [&](CategoryId c, RuleId r) {
    hits.emplace_back(c, r);
    return true;
  }));
  EXPECT_TRUE(hits.empty());
}

TEST(RegexIndex, BudgetOverflowIsReportedNotIgnored) {
  RegexIndexBuilder b;
  // Thousands of counted repetitions make a program far larger than a 1 MiB budget.
  for (int i = 0; i < 3000; ++i)
    ASSERT_EQ(b.add(4, fmt::format("w{}[a-z]{{30}}x[0-9]{{20}}", i), RuleId(i)), std::nullopt);
  RegexIndex idx;
  const auto failures = b.build(1 << 20, idx);
  ASSERT_EQ(failures.size(), 1u);
  EXPECT_EQ(failures[0].category, 4);
  EXPECT_NE(failures[0].message.find("rules.regex_memory"), std::string::npos);
  EXPECT_TRUE(idx.empty());
}

}  // namespace
}  // namespace edugate::rules::compiled
