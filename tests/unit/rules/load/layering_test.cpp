// Department profile, school group policy and exceptions: who wins, and when.
#include <gtest/gtest.h>

#include "rules/decide.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::at;
using testing::http_facts;

constexpr std::string_view kDepartment = R"(categories:
  - id: adult
    labels: {vi: a, en: b}
    mandatory: true
    domains: [adult.example]
  - id: games
    labels: {vi: a, en: b}
    domains: [games.example, edu.games.example]
  - id: social
    labels: {vi: a, en: b}
    domains: [social.example]
schedules:
  - id: school-hours
    windows: [{days: mon-fri, from: "07:00", to: "16:30"}]
  - id: lunch
    windows: [{days: mon-fri, from: "11:30", to: "13:00"}]
profiles:
  thcs:
    block: [games]
    scheduled:
      - {category: games, action: allow, outside: school-hours}
      - {category: social, action: warn, during: school-hours}
)";

class LayeringTest : public ::testing::Test {
 protected:
  std::shared_ptr<const RuleSet> load(std::string_view school) {
    tree_.write("department.yaml", kDepartment);
    tree_.write("school.yaml", school);
    auto r = testing::load_tree(tree_, "department.yaml", "school.yaml");
    EXPECT_TRUE(r.rules) << testing::all(r.diagnostics);
    return r.rules;
  }
  static Action on(const RuleSet& rules, const char* host, LocalTime when) {
    return decide(rules, http_facts(kDefaultGroup, host, "/", "", when)).action;
  }

  testing::TempTree tree_;
};

TEST_F(LayeringTest, ProfileAppliesWhenTheSchoolSaysNothing) {
  const auto rules = load("default_group: {age: thcs}\n");
  EXPECT_EQ(on(*rules, "games.example", at(0, 10, 0)), Action::block);
  EXPECT_EQ(on(*rules, "games.example", at(0, 18, 0)), Action::allow);
  EXPECT_EQ(on(*rules, "social.example", at(0, 10, 0)), Action::warn);
  EXPECT_EQ(on(*rules, "social.example", at(5, 10, 0)), Action::allow);
}

TEST_F(LayeringTest, PlainSchoolLineReplacesTheProfileIncludingItsSchedules) {
  const auto rules = load("default_group:\n  age: thcs\n  policy: {block: [games]}\n");
  EXPECT_EQ(on(*rules, "games.example", at(0, 18, 0)), Action::block);  // no more "allow outside"
  EXPECT_EQ(on(*rules, "games.example", at(6, 18, 0)), Action::block);
}

TEST_F(LayeringTest, SchoolScheduleOnTopOfProfileWinsWhenActive) {
  const auto rules = load(R"(default_group:
  age: thcs
  policy:
    scheduled:
      - {category: games, action: allow, during: lunch}
)");
  EXPECT_EQ(on(*rules, "games.example", at(0, 10, 0)), Action::block);  // profile base block
  EXPECT_EQ(on(*rules, "games.example", at(0, 12, 0)), Action::allow);  // school: lunch
  EXPECT_EQ(on(*rules, "games.example", at(0, 18, 0)), Action::allow);  // profile: outside hours
}

TEST_F(LayeringTest, BlockBeatsWarnBeatsAllowAcrossCategories) {
  const auto rules = load(R"(categories:
  - id: video
    labels: {vi: a, en: b}
    domains: [social.example]
default_group:
  age: staff
  policy:
    warn: [social]
    block: [video]
)");
  const auto d = decide(*rules, http_facts(kDefaultGroup, "social.example", "/", "", at(5, 9, 0)));
  EXPECT_EQ(d.action, Action::block);
  EXPECT_EQ(rules->category(d.category).id, "video");
}

TEST_F(LayeringTest, ExceptionBeatsBlockButNotMandatory) {
  const auto rules = load(R"(categories:
  - id: mixed
    labels: {vi: a, en: b}
    domains: [adult.example.org]
default_group:
  age: thcs
  policy: {block: [mixed]}
  exceptions:
    domains: [edu.games.example, example.org]
)");
  EXPECT_EQ(on(*rules, "edu.games.example", at(0, 10, 0)), Action::allow);
  EXPECT_EQ(on(*rules, "games.example", at(0, 10, 0)), Action::block);
  EXPECT_EQ(on(*rules, "adult.example.org", at(0, 10, 0)), Action::allow);
  // A broad exception (a parent domain) never reaches a mandatory entry below it.
  EXPECT_EQ(on(*rules, "adult.example", at(0, 10, 0)), Action::block);
}

}  // namespace
}  // namespace edugate::rules
