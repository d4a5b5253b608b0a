// `monitor: [category]`: decided like a block (precedence included), let through, counted as
// would_block. A monitored category must never hide a warning, a block or safe search.
#include <gtest/gtest.h>

#include <string>

#include "rules/decide.hpp"
#include "rules/explain.hpp"
#include "rules/tools/summary.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::at;
using testing::connect_facts;
using testing::http_facts;

constexpr std::string_view kDepartment = R"(categories:
  - id: adult
    labels: {vi: "Người lớn", en: "Adult"}
    mandatory: true
    domains: [porn.example]
  - id: new-list
    labels: {vi: "Danh sách mới", en: "New list"}
    domains: [trial.example, search.example]
    urls: [news.example/trial]
  - id: social
    labels: {vi: "Mạng xã hội", en: "Social networks"}
    domains: [facebook.com, trial.example]
  - id: video
    labels: {vi: "Video", en: "Video"}
    domains: [video.example, trial.example]
  - id: engines
    labels: {vi: "Tìm kiếm", en: "Search"}
    domains: [google.com]
schedules:
  - id: school-hours
    windows:
      - {days: mon-fri, from: "07:00", to: "16:30"}
profiles:
  tieu-hoc:
    monitor: [new-list, engines]
    scheduled:
      - {category: video, action: monitor, during: school-hours}
  thpt:
    block: [new-list]
)";

constexpr std::string_view kSchool = R"(groups:
  - id: primary
    labels: {vi: "Tiểu học", en: "Primary"}
    age: tieu-hoc
    networks: [10.20.0.0/16]
  - id: teens
    labels: {vi: "THPT", en: "Upper secondary"}
    age: thpt
    networks: [10.40.0.0/16]
    policy:
      monitor: [social]
  - id: warned
    labels: {vi: "Cảnh báo", en: "Warned"}
    age: tieu-hoc
    networks: [10.50.0.0/16]
    policy:
      warn: [social]
  - id: excepted
    labels: {vi: "Ngoại lệ", en: "Excepted"}
    age: tieu-hoc
    networks: [10.60.0.0/16]
    exceptions:
      domains: [trial.example]
)";

constexpr GroupId kPrimary = 1, kTeens = 2, kWarned = 3, kExcepted = 4;

class MonitorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = testing::load_yaml(kDepartment, kSchool);
    ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
    rules_ = loaded.rules;
  }
  static void TearDownTestSuite() { rules_.reset(); }

  static std::string category_of(const Decision& d) {
    return d.category == kNoCategory ? "-" : rules_->category(d.category).id;
  }

  static inline std::shared_ptr<const RuleSet> rules_;
};

TEST_F(MonitorTest, AMonitoredCategoryIsLetThroughAndCountedAsWouldBlock) {
  const auto d = decide(*rules_, http_facts(kPrimary, "www.search.example", "/", "", at(0, 10, 0)));
  EXPECT_EQ(d.action, Action::would_block) << d.reason;
  EXPECT_EQ(category_of(d), "new-list");
  EXPECT_NE(d.reason.find("monitored"), std::string_view::npos) << d.reason;
  EXPECT_TRUE(passes(d.action));
  EXPECT_EQ(to_string(d.action), "would_block");
  // The same category is a real block in another band's profile.
  EXPECT_EQ(decide(*rules_, http_facts(kTeens, "search.example")).action, Action::block);
  // URL prefixes are monitored too, and a CONNECT decides the same as plain HTTP.
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "news.example", "/trial/a")).action,
            Action::would_block);
  EXPECT_EQ(decide(*rules_, connect_facts(kPrimary, "search.example", "")).action,
            Action::would_block);
  EXPECT_EQ(decide(*rules_, connect_facts(kPrimary, "cdn.example", "search.example")).action,
            Action::would_block);
}

TEST_F(MonitorTest, AMonitoredCategoryNeverHidesAWarnOrABlockOfAnotherCategory) {
  // trial.example is in new-list (monitored), social and video.
  // primary: social allowed, video monitored in school hours: the result is would_block.
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "trial.example", "/", "", at(0, 10, 0))).action,
            Action::would_block);
  // warned: social is warned: the warning wins over the monitor line.
  const auto warned = decide(*rules_, http_facts(kWarned, "trial.example"));
  EXPECT_EQ(warned.action, Action::warn);
  EXPECT_EQ(category_of(warned), "social");
  // teens: new-list is blocked by the profile; the school's monitor on social does not lift it.
  const auto teens = decide(*rules_, http_facts(kTeens, "trial.example"));
  EXPECT_EQ(teens.action, Action::block);
  EXPECT_EQ(category_of(teens), "new-list");
  // A mandatory category is blocked whatever else is monitored.
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "porn.example")).action, Action::block);
}

TEST_F(MonitorTest, ASchoolMonitorLineReplacesTheProfilesAction) {
  const auto d = decide(*rules_, http_facts(kTeens, "facebook.com"));
  EXPECT_EQ(d.action, Action::would_block);
  EXPECT_EQ(category_of(d), "social");
}

TEST_F(MonitorTest, ScheduledMonitorAppliesOnlyInsideItsWindows) {
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "video.example", "/", "", at(1, 9, 0))).action,
            Action::would_block);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "video.example", "/", "", at(5, 9, 0))).action,
            Action::allow);
}

TEST_F(MonitorTest, AnExceptionLiftsAMonitorLikeABlock) {
  const auto d = decide(*rules_, http_facts(kExcepted, "trial.example", "/", "", at(0, 10, 0)));
  EXPECT_EQ(d.action, Action::allow) << d.reason;
}

TEST_F(MonitorTest, SafeSearchIsStillEnforcedOnAMonitoredSearchEngine) {
  const auto d = decide(*rules_, http_facts(kPrimary, "www.google.com", "/search", "q=x"));
  EXPECT_EQ(d.action, Action::safe_search);
}

// An exception lifts blocks and warnings, never safe search (it used to: a school that allowed
// a search engine through the review list turned its safe search off).
TEST(MonitorExceptions, AnExceptionDoesNotTurnSafeSearchOff) {
  auto loaded = testing::load_yaml(kDepartment, R"(groups:
  - id: g
    labels: {vi: "G", en: "G"}
    age: thcs
    networks: [10.1.0.0/16]
    policy:
      block: [engines]
    exceptions:
      domains: [google.com]
)");
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  EXPECT_EQ(decide(*loaded.rules, http_facts(1, "www.google.com", "/search", "q=x")).action,
            Action::safe_search);
}

TEST_F(MonitorTest, ExplainAndTheSummaryShowTheMonitor) {
  const auto e = explain(*rules_, http_facts(kPrimary, "search.example"));
  EXPECT_EQ(e.decision.action, Action::would_block);
  EXPECT_NE(e.precedence.find("would_block"), std::string::npos) << e.precedence;
  ASSERT_FALSE(e.matches.empty());
  EXPECT_EQ(e.matches.front().action, Action::would_block);
  const auto summary = tools::format_summary(*rules_);
  EXPECT_NE(summary.find("monitors: new-list, engines"), std::string::npos) << summary;
  EXPECT_NE(summary.find("monitors: new-list, video, engines"), std::string::npos) << summary;
}

// A teacher's override (proxy/policy/overrides.hpp) lifts a category or a site for one group;
// never a mandatory category, never another group.
TEST_F(MonitorTest, ATeachersGrantOpensForItsGroupOnly) {
  const auto social = *rules_->find_category("social");
  const auto adult = *rules_->find_category("adult");
  const Grant grants[] = {
      {kTeens, social, {}}, {kTeens, adult, {}}, {kTeens, kNoCategory, "trial.example"}};
  auto facts = http_facts(kTeens, "www.facebook.com");
  ASSERT_EQ(decide(*rules_, facts).action, Action::would_block);
  facts.grants = grants;
  const auto d = decide(*rules_, facts);
  EXPECT_EQ(d.action, Action::allow);
  EXPECT_NE(d.reason.find("opened by a teacher"), std::string_view::npos) << d.reason;
  auto porn = http_facts(kTeens, "porn.example");
  porn.grants = grants;
  EXPECT_EQ(decide(*rules_, porn).action, Action::block);
  auto trial = http_facts(kTeens, "cdn.trial.example");
  ASSERT_EQ(decide(*rules_, trial).action, Action::block);  // new-list is blocked for teens
  trial.grants = grants;
  EXPECT_EQ(decide(*rules_, trial).action, Action::allow);
  // A category grant opens that category only: a site also in a blocked category stays blocked.
  const Grant social_only[] = {{kTeens, social, {}}};
  auto both = http_facts(kTeens, "trial.example");  // new-list (blocked for teens) and social
  both.grants = social_only;
  EXPECT_EQ(decide(*rules_, both).action, Action::block);
  auto other = http_facts(kWarned, "facebook.com");
  other.grants = grants;
  EXPECT_EQ(decide(*rules_, other).action, Action::warn) << "another group";
}

// The opened category matched first, another blocked category (a URL prefix) at the same rank:
// the grant must not lift the other one (it did, when grants were applied to the winner only).
TEST(TeacherGrant, OpensItsCategoryNotAnotherThatTiesWithIt) {
  const auto loaded = testing::load_yaml(R"(categories:
  - id: video
    labels: {vi: "Video", en: "Video"}
    domains: [v.example]
  - id: weapons
    labels: {vi: "Vũ khí", en: "Weapons"}
    urls: [v.example/guns]
profiles:
  thcs:
    block: [video, weapons]
)",
                                         R"(default_group: {age: thcs}
)");
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  const auto video = *loaded.rules->find_category("video");
  const Grant grants[] = {{kDefaultGroup, video, {}}};
  auto page = http_facts(kDefaultGroup, "v.example", "/lesson");
  page.grants = grants;
  EXPECT_EQ(decide(*loaded.rules, page).action, Action::allow);
  auto guns = http_facts(kDefaultGroup, "v.example", "/guns/x");
  guns.grants = grants;
  const auto d = decide(*loaded.rules, guns);
  EXPECT_EQ(d.action, Action::block);
  EXPECT_EQ(loaded.rules->category(d.category).id, "weapons");
}

TEST(MonitorLoad, AMandatoryCategoryCannotBeMonitored) {
  const auto loaded = testing::load_yaml(kDepartment, R"(groups:
  - id: g
    labels: {vi: "G", en: "G"}
    age: thcs
    networks: [10.1.0.0/16]
    policy:
      monitor: [adult]
)");
  EXPECT_FALSE(loaded.rules);
  EXPECT_NE(testing::all(loaded.diagnostics)
                .find("school.yaml:7:17: category 'adult' is mandatory (set by the department"),
            std::string::npos)
      << testing::all(loaded.diagnostics);
  EXPECT_NE(
      testing::all(loaded.diagnostics).find("a school cannot allow, warn, monitor or schedule it"),
      std::string::npos);
}

TEST(MonitorLoad, AScheduledEntryNamesMonitorAmongTheActions) {
  const auto loaded = testing::load_yaml(kDepartment, R"(groups:
  - id: g
    labels: {vi: "G", en: "G"}
    age: thcs
    networks: [10.1.0.0/16]
    policy:
      scheduled:
        - {category: social, action: watch, during: school-hours}
)");
  EXPECT_FALSE(loaded.rules);
  EXPECT_NE(testing::all(loaded.diagnostics).find("is not one of: block, warn, monitor, allow"),
            std::string::npos)
      << testing::all(loaded.diagnostics);
}

}  // namespace
}  // namespace edugate::rules
