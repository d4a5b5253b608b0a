#include "rules/safe_search.hpp"

#include <gtest/gtest.h>

#include "rules/rule_set.hpp"
#include "tests/unit/rules/support/sample_rules.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

TEST(SafeSearch, RecognisesSearchHosts) {
  struct Case {
    const char* host;
    SearchEngine engine;
  };
  const Case cases[] = {
      {"www.google.com", SearchEngine::google},
      {"google.com.vn", SearchEngine::google},
      {"www.google.co.uk", SearchEngine::google},
      {"www.google.de", SearchEngine::google},
      {"google.evil.com", SearchEngine::none},
      {"mail.google.com", SearchEngine::none},
      {"forcesafesearch.google.com", SearchEngine::none},
      {"www.youtube.com", SearchEngine::youtube},
      {"m.youtube.com", SearchEngine::youtube},
      {"youtubei.googleapis.com", SearchEngine::youtube},
      {"youtube.googleapis.com", SearchEngine::youtube},
      {"www.youtube-nocookie.com", SearchEngine::youtube},
      {"restrict.youtube.com", SearchEngine::none},
      {"www.bing.com", SearchEngine::bing},
      {"duckduckgo.com", SearchEngine::duckduckgo},
      {"coccoc.com", SearchEngine::none},
  };
  for (const auto& c : cases) EXPECT_EQ(search_engine_of(c.host), c.engine) << c.host;
}

TEST(SafeSearch, RewritesPerGroupPolicy) {
  testing::TempTree tree;
  tree.write("department.yaml", testing::kDepartment);
  tree.write("school.yaml", testing::kSchool);
  const auto loaded = testing::load_tree(tree, "department.yaml", "school.yaml");
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  const RuleSet& rules = *loaded.rules;
  const GroupId primary = *rules.find_group("primary");
  const GroupId teens = *rules.find_group("teens");
  const GroupId staff = *rules.find_group("staff");

  const auto yt = safe_search_rewrite(rules, primary, "www.youtube.com");
  ASSERT_TRUE(yt);
  EXPECT_EQ(yt->connect_host, "restrict.youtube.com");
  EXPECT_EQ(yt->header_name, "YouTube-Restrict");
  EXPECT_EQ(yt->header_value, "Strict");
  const auto moderate = safe_search_rewrite(rules, teens, "m.youtube.com");
  ASSERT_TRUE(moderate);
  EXPECT_EQ(moderate->connect_host, "restrictmoderate.youtube.com");
  EXPECT_EQ(moderate->header_value, "Moderate");

  const auto google = safe_search_rewrite(rules, primary, "www.google.com.vn");
  ASSERT_TRUE(google);
  EXPECT_EQ(google->connect_host, "forcesafesearch.google.com");
  EXPECT_EQ(google->query_parameter, "safe=active");
  EXPECT_EQ(safe_search_rewrite(rules, primary, "www.bing.com")->connect_host, "strict.bing.com");
  EXPECT_EQ(safe_search_rewrite(rules, primary, "www.bing.com")->query_parameter, "adlt=strict");
  EXPECT_EQ(safe_search_rewrite(rules, primary, "duckduckgo.com")->connect_host,
            "safe.duckduckgo.com");
  EXPECT_EQ(safe_search_rewrite(rules, primary, "duckduckgo.com")->query_parameter, "kp=1");

  EXPECT_FALSE(safe_search_rewrite(rules, staff, "www.google.com"));  // staff profile: off
  EXPECT_FALSE(safe_search_rewrite(rules, primary, "www.example.com"));
}

}  // namespace
}  // namespace edugate::rules
