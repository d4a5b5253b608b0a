#include "rules/explain.hpp"

#include <gtest/gtest.h>

#include "rules/decide.hpp"
#include "tests/unit/rules/support/sample_rules.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::at;
using testing::connect_facts;
using testing::http_facts;

class ExplainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.write("department.yaml", testing::kDepartment);
    tree_.write("school.yaml", testing::kSchool);
    auto loaded = testing::load_tree(tree_, "department.yaml", "school.yaml");
    ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
    rules_ = loaded.rules;
  }
  Explanation run(const RequestFacts& f) {
    Explanation e = explain(*rules_, f);
    const Decision d = decide(*rules_, f);
    EXPECT_EQ(e.decision.action, d.action);
    EXPECT_EQ(e.decision.rule, d.rule);
    EXPECT_EQ(e.decision.category, d.category);
    text_ = format_explanation(*rules_, f, e);
    return e;
  }
  bool has(std::string_view s) const { return text_.find(s) != std::string::npos; }

  testing::TempTree tree_;
  std::shared_ptr<const RuleSet> rules_;
  std::string text_;
};

TEST_F(ExplainTest, MandatoryBlockNamesFileLineAndPrecedence) {
  const auto e = run(http_facts(1, "www.porn.example", "/", "", at(0, 10, 15)));
  EXPECT_EQ(e.decision.action, Action::block);
  ASSERT_FALSE(e.matches.empty());
  EXPECT_TRUE(e.matches[0].mandatory);
  EXPECT_TRUE(has("decision:   BLOCK")) << text_;
  EXPECT_TRUE(has("category:   adult — Người lớn / Adult (mandatory)")) << text_;
  EXPECT_TRUE(has(tree_.path("department.yaml") + ":5  domain 'porn.example'")) << text_;
  EXPECT_TRUE(has("matched on host www.porn.example")) << text_;
  EXPECT_TRUE(has("group:      primary — Tiểu học / Primary (age band tieu-hoc)")) << text_;
  EXPECT_TRUE(has("time:       2025-11-17 10:15 Monday (Asia/Ho_Chi_Minh)")) << text_;
  EXPECT_TRUE(has("precedence: mandatory block > school exception > block > warn > allow"));
  EXPECT_TRUE(has("'adult' is a mandatory category: a mandatory block outranks everything"))
      << text_;
}

TEST_F(ExplainTest, ExceptionShowsTheLiftedMatch) {
  const auto e = run(http_facts(1, "edu.roblox.com", "/", "", at(0, 10, 0)));
  EXPECT_EQ(e.decision.action, Action::allow);
  ASSERT_TRUE(e.exception);
  ASSERT_EQ(e.matches.size(), 1u);
  EXPECT_EQ(e.matches[0].action, Action::block);
  EXPECT_TRUE(e.matches[0].scheduled);
  EXPECT_TRUE(e.matches[0].excepted);
  EXPECT_TRUE(has("profile tieu-hoc: block games during school-hours — schedule active now"))
      << text_;
  EXPECT_TRUE(has("lifted by the school exception")) << text_;
  EXPECT_TRUE(has("exception:  exception domain 'edu.roblox.com'")) << text_;
  EXPECT_TRUE(has("a school exception covers this request")) << text_;
}

TEST_F(ExplainTest, RegexMatchNamesTheExactPattern) {
  const auto e = run(http_facts(3, "bet777.example", "/x"));
  EXPECT_EQ(e.decision.action, Action::block);
  ASSERT_FALSE(e.matches.empty());
  const RuleInfo r = rules_->rule(e.matches[0].rule);
  EXPECT_EQ(r.kind, RuleKind::regex);
  EXPECT_EQ(r.text, "(^|[./-])bet[0-9]{2,4}\\.");
  EXPECT_EQ(r.line, 17u);
  EXPECT_TRUE(has("URL regex '(^|[./-])bet[0-9]{2,4}\\.'")) << text_;
  EXPECT_TRUE(has("matched on URL text 'bet777.example/x'")) << text_;
}

TEST_F(ExplainTest, WarnShowsTheSchoolPolicyLine) {
  const auto e = run(http_facts(2, "facebook.com", "/", "", at(0, 10, 0)));
  EXPECT_EQ(e.decision.action, Action::warn);
  EXPECT_TRUE(has("policy: group teens: warn social (" + tree_.path("school.yaml") + ":18:14)"))
      << text_;
  EXPECT_TRUE(has("warn outranks allow")) << text_;
}

TEST_F(ExplainTest, SniMismatchAndSafeSearchNotes) {
  const auto fronted = run(connect_facts(1, "www.google.com", "porn.example"));
  EXPECT_EQ(fronted.decision.action, Action::block);
  EXPECT_TRUE(has("matched on SNI porn.example")) << text_;
  const auto search = run(connect_facts(1, "www.google.com", "www.google.com"));
  EXPECT_EQ(search.decision.action, Action::safe_search);
  EXPECT_TRUE(has("safe search: a CONNECT is sent to forcesafesearch.google.com")) << text_;
  EXPECT_TRUE(has("matches:    none")) << text_;
}

}  // namespace
}  // namespace edugate::rules
