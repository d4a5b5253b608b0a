// The school's review file (rules/review.hpp): read with positions, refused with file:line:col,
// written back so that it reads the same, and applied to the rules as the school layer.
#include <gtest/gtest.h>

#include "rules/decide.hpp"
#include "rules/load_rules.hpp"
#include "rules/review.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::http_facts;

constexpr std::string_view kDepartment = R"(categories:
  - id: adult
    labels: {vi: "Người lớn", en: "Adult"}
    mandatory: true
    domains: [porn.example]
  - id: games
    labels: {vi: "Trò chơi", en: "Games"}
    domains: [roblox.com]
profiles:
  thcs:
    block: [games]
)";

constexpr std::string_view kSchool = R"(groups:
  - id: thcs
    labels: {vi: "THCS", en: "Lower secondary"}
    age: thcs
    networks: [10.30.0.0/16]
default_group: {age: thcs}
)";

LoadResult load_with_review(testing::TempTree& tree, std::string_view review) {
  tree.write("department.yaml", kDepartment);
  tree.write("school.yaml", kSchool);
  tree.write("review.yaml", review);
  RulesSettings s;
  s.department = tree.path("department.yaml");
  s.school = tree.path("school.yaml");
  s.review = tree.path("review.yaml");
  return load_rules(s);
}

TEST(ReviewFile, BlockJoinsTheCategoryAndAllowIsAnExceptionForItsGroup) {
  testing::TempTree tree;
  const auto r = load_with_review(tree, R"(block:
  - {domain: Bad.Example, category: games, on: 2026-12-07}
allow:
  - {domain: edu.roblox.com, group: thcs}
dismiss:
  - {domain: other.example, on: 2026-12-07}
)");
  ASSERT_TRUE(r.rules) << testing::all(r.diagnostics);
  const GroupId thcs = *r.rules->find_group("thcs");
  EXPECT_EQ(decide(*r.rules, http_facts(thcs, "www.bad.example")).action, Action::block);
  EXPECT_EQ(decide(*r.rules, http_facts(thcs, "edu.roblox.com")).action, Action::allow);
  EXPECT_EQ(decide(*r.rules, http_facts(kDefaultGroup, "edu.roblox.com")).action, Action::block);
}

// The department renamed a category a block refers to: the school's rules still load.
TEST(ReviewFile, ADecisionOnACategoryThatIsGoneIsSkippedWithAWarning) {
  testing::TempTree tree;
  const auto r = load_with_review(tree, "block:\n  - {domain: a.example, category: old-games}\n");
  ASSERT_TRUE(r.rules) << testing::all(r.diagnostics);
  EXPECT_NE(testing::all(r.diagnostics).find("warning: unknown category 'old-games'"),
            std::string::npos);
  EXPECT_EQ(decide(*r.rules, http_facts(kDefaultGroup, "a.example")).action, Action::allow);
}

TEST(ReviewFile, AnAllowCannotLiftAMandatoryCategory) {
  testing::TempTree tree;
  const auto r = load_with_review(tree, "allow:\n  - {domain: porn.example}\n");
  EXPECT_FALSE(r.rules);
  EXPECT_NE(testing::all(r.diagnostics)
                .find("review.yaml:2:14: exception 'porn.example' would lift mandatory category"),
            std::string::npos)
      << testing::all(r.diagnostics);
}

TEST(ReviewFile, ProblemsAreReportedAtTheirLine) {
  testing::TempTree tree;
  const auto r = load_with_review(tree, R"(block:
  - {domain: a.example, category: nope}
  - {domain: "not a domain", category: games}
allow:
  - {domain: a.example}
  - {domain: b.example, group: nobody}
  - {domain: c.example, on: yesterday}
dismiss: {domain: d.example}
)");
  EXPECT_FALSE(r.rules);
  const auto all = testing::all(r.diagnostics);
  EXPECT_NE(all.find("review.yaml:2:35: warning: unknown category 'nope': this block is not "
                     "applied"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("review.yaml:3:14: \"not a domain\" is not a domain"), std::string::npos)
      << all;
  EXPECT_NE(
      all.find("review.yaml:5:5: domain 'a.example' already has a decision (block) at line 2"),
      std::string::npos)
      << all;
  EXPECT_NE(all.find("review.yaml:6:32: warning: unknown group 'nobody'"), std::string::npos)
      << all;
  EXPECT_NE(all.find("review.yaml:7:29: on: \"yesterday\" is not a day"), std::string::npos) << all;
  EXPECT_NE(all.find("review.yaml:8:10: dismiss must be a list"), std::string::npos) << all;
}

TEST(ReviewFile, AMissingFileIsEmptyAndWhatIsWrittenReadsTheSame) {
  testing::TempTree tree;
  Diagnostics diags;
  const auto none = read_review_file(tree.path("review.yaml"), diags);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->decisions.empty());
  ReviewFile file;
  file.put({ReviewDecision::Kind::block, "bad.example", "games", "", "2026-12-07"});
  file.put({ReviewDecision::Kind::allow, "good.example", "", "thcs", "2026-12-07"});
  file.put({ReviewDecision::Kind::dismiss, "bad.example", "", "", "2026-12-08"});  // replaces
  tree.write("review.yaml", format_review_file(file));
  const auto back = read_review_file(tree.path("review.yaml"), diags);
  ASSERT_TRUE(back) << testing::all(diags);
  ASSERT_EQ(back->decisions.size(), 2u);
  const auto* bad = back->find("bad.example");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->kind, ReviewDecision::Kind::dismiss);
  EXPECT_EQ(bad->on, "2026-12-08");
  EXPECT_EQ(back->find("good.example")->group, "thcs");
}

}  // namespace
}  // namespace edugate::rules
