#include "rules/decide.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/unit/rules/support/sample_rules.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::at;
using testing::connect_facts;
using testing::http_facts;

constexpr GroupId kPrimary = 1, kTeens = 2, kStaff = 3;

class DecideTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    tree_ = new testing::TempTree();
    tree_->write("department.yaml", testing::kDepartment);
    tree_->write("school.yaml", testing::kSchool);
    auto loaded = testing::load_tree(*tree_, "department.yaml", "school.yaml");
    ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
    rules_ = loaded.rules;
  }
  static void TearDownTestSuite() {
    rules_.reset();
    delete tree_;
  }

  static std::string category_of(const Decision& d) {
    return d.category == kNoCategory ? "-" : rules_->category(d.category).id;
  }

  static inline testing::TempTree* tree_ = nullptr;
  static inline std::shared_ptr<const RuleSet> rules_;
};

struct HostCase {
  GroupId group;
  const char* host;
  LocalTime when;
  Action action;
  const char* category;
};

TEST_F(DecideTest, HostTable) {
  const LocalTime monday = at(0, 10, 0);
  const HostCase cases[] = {
      {kPrimary, "porn.example", monday, Action::block, "adult"},
      {kPrimary, "www.porn.example", monday, Action::block, "adult"},
      {kPrimary, "notporn.example", monday, Action::allow, "-"},
      {kPrimary, "example", monday, Action::allow, "-"},
      {kStaff, "porn.example", monday, Action::block, "adult"},
      {kPrimary, "facebook.com", monday, Action::block, "social"},
      {kPrimary, "m.facebook.com", at(5, 10, 0), Action::block, "social"},
      {kTeens, "facebook.com", monday, Action::warn, "social"},
      {kStaff, "facebook.com", monday, Action::allow, "social"},
      {kPrimary, "school.facebook.com", monday, Action::allow, "social"},
      {kPrimary, "video.example", monday, Action::warn, "video"},
      {kTeens, "twitch.tv", monday, Action::block, "local"},
      {kPrimary, "twitch.tv", monday, Action::allow, "local"},
      {kDefaultGroup, "facebook.com", monday, Action::block, "social"},
      {GroupId{999}, "facebook.com", monday, Action::block, "social"},
      {kPrimary, "bet888.xyz", monday, Action::block, "gambling"},
      {kPrimary, "www.bet88.com", monday, Action::block, "gambling"},
      {kPrimary, "better.com", monday, Action::allow, "-"},
  };
  for (const auto& c : cases) {
    const auto d = decide(*rules_, http_facts(c.group, c.host, "/", "", c.when));
    EXPECT_EQ(d.action, c.action) << c.host << " group " << c.group << ": " << d.reason;
    EXPECT_EQ(category_of(d), c.category) << c.host << " group " << c.group;
  }
}

TEST_F(DecideTest, MandatoryRuleNamesTheMatchedEntry) {
  const auto d = decide(*rules_, http_facts(kPrimary, "cdn.xxx.test"));
  ASSERT_EQ(d.action, Action::block);
  const RuleInfo r = rules_->rule(d.rule);
  EXPECT_EQ(r.kind, RuleKind::domain);
  EXPECT_EQ(r.text, "xxx.test");
  EXPECT_EQ(r.file, tree_->path("department.yaml"));
  EXPECT_EQ(r.line, 5u);
  EXPECT_NE(d.reason.find("mandatory"), std::string_view::npos) << d.reason;
}

TEST_F(DecideTest, ScheduleBoundaries) {
  struct Case {
    LocalTime when;
    Action action;
  };
  const Case cases[] = {
      {at(0, 6, 59), Action::allow},  {at(0, 7, 0), Action::block},
      {at(2, 12, 0), Action::block},  {at(4, 16, 29), Action::block},
      {at(4, 16, 30), Action::allow}, {at(4, 23, 59), Action::allow},
      {at(5, 10, 0), Action::allow},  {at(6, 7, 0), Action::allow},
  };
  for (const auto& c : cases) {
    const auto d = decide(*rules_, http_facts(kPrimary, "roblox.com", "/", "", c.when));
    EXPECT_EQ(d.action, c.action) << format_local_time(c.when) << ": " << d.reason;
    EXPECT_EQ(category_of(d), "games");
  }
  const auto blocked = decide(*rules_, http_facts(kPrimary, "roblox.com", "/", "", at(0, 7, 0)));
  EXPECT_NE(blocked.reason.find("during schedule 'school-hours'"), std::string_view::npos)
      << blocked.reason;
  EXPECT_EQ(rules_->rule(blocked.rule).text, "roblox.com");
}

TEST_F(DecideTest, GroupExceptionLiftsScheduledBlockForThatGroupOnly) {
  const LocalTime monday = at(0, 10, 0);
  const auto primary = decide(*rules_, http_facts(kPrimary, "edu.roblox.com", "/", "", monday));
  EXPECT_EQ(primary.action, Action::allow) << primary.reason;
  EXPECT_EQ(rules_->rule(primary.rule).kind, RuleKind::exception_domain);
  const auto other = decide(*rules_, http_facts(kDefaultGroup, "edu.roblox.com", "/", "", monday));
  EXPECT_EQ(other.action, Action::block) << other.reason;
}

TEST_F(DecideTest, UrlPrefixAndUrlException) {
  const LocalTime monday = at(0, 10, 0);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "news.example", "/games/x", "", monday)).action,
            Action::block);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "www.news.example", "/games", "", monday)).action,
            Action::block);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "news.example", "/gamesroom", "", monday)).action,
            Action::allow);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "news.example", "/", "", monday)).action,
            Action::allow);
  const auto lesson = decide(*rules_, http_facts(kPrimary, "video.example", "/lessons/1"));
  EXPECT_EQ(lesson.action, Action::allow);
  EXPECT_EQ(rules_->rule(lesson.rule).kind, RuleKind::exception_url);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "video.example", "/watch")).action, Action::warn);
}

TEST_F(DecideTest, ConnectHostAndSniAreBothChecked) {
  const LocalTime monday = at(0, 10, 0);
  EXPECT_EQ(decide(*rules_, connect_facts(kStaff, "allowed.example", "porn.example")).action,
            Action::block);
  EXPECT_EQ(decide(*rules_, connect_facts(kStaff, "porn.example", "allowed.example")).action,
            Action::block);
  // An exception on one name must not lift a block on the other (domain fronting).
  EXPECT_EQ(decide(*rules_, connect_facts(kPrimary, "school.facebook.com", "facebook.com", monday))
                .action,
            Action::block);
  EXPECT_EQ(decide(*rules_, connect_facts(kPrimary, "facebook.com", "school.facebook.com", monday))
                .action,
            Action::block);
  EXPECT_EQ(
      decide(*rules_, connect_facts(kPrimary, "school.facebook.com", "school.facebook.com", monday))
          .action,
      Action::allow);
}

TEST_F(DecideTest, BareIpBlockedForPupilsAllowedForStaff) {
  for (const char* host : {"93.184.216.34", "2001:db8::1"}) {
    const auto pupil = decide(*rules_, connect_facts(kPrimary, host, ""));
    EXPECT_EQ(pupil.action, Action::block) << host;
    EXPECT_EQ(category_of(pupil), "bare-ip");
    EXPECT_EQ(decide(*rules_, connect_facts(kStaff, host, "")).action, Action::allow) << host;
  }
}

TEST_F(DecideTest, SearchKeywordsAreFolded) {
  for (const char* query : {"q=c%E1%BB%9D+b%E1%BA%A1c", "q=C%E1%BB%9C%20B%E1%BA%A0C", "q=co+bac",
                            "q=xem+ca+do+bong+da+hom+nay", "q=PHIM+SEX"}) {
    const auto d = decide(*rules_, http_facts(kStaff, "www.google.com", "/search", query));
    EXPECT_EQ(d.action, Action::block) << query;
    EXPECT_EQ(rules_->rule(d.rule).kind, RuleKind::keyword) << query;
  }
  const auto harmless = decide(*rules_, http_facts(kStaff, "www.google.com", "/search", "q=co"));
  EXPECT_EQ(harmless.action, Action::allow);  // staff: safe search off
}

TEST_F(DecideTest, SafeSearchForAllowedSearchRequests) {
  const auto pupil = decide(*rules_, http_facts(kPrimary, "www.google.com.vn", "/search", "q=a"));
  EXPECT_EQ(pupil.action, Action::safe_search);
  EXPECT_EQ(decide(*rules_, connect_facts(kTeens, "www.youtube.com", "www.youtube.com")).action,
            Action::safe_search);
  EXPECT_EQ(decide(*rules_, connect_facts(kStaff, "www.youtube.com", "")).action, Action::allow);
  EXPECT_EQ(decide(*rules_, http_facts(kPrimary, "www.example.com")).action, Action::allow);
}

TEST_F(DecideTest, GroupForUsesLongestPrefix) {
  const auto group = [&](const char* ip) { return rules_->group_for(*parse_ip(ip)); };
  EXPECT_EQ(group("10.20.1.1"), kPrimary);
  EXPECT_EQ(group("fd00:20::5"), kPrimary);
  EXPECT_EQ(group("10.40.8.1"), kTeens);
  EXPECT_EQ(group("10.40.7.5"), kStaff);
  EXPECT_EQ(group("192.168.1.1"), std::nullopt);
  EXPECT_EQ(rules_->group(kDefaultGroup).id, "default");
  EXPECT_EQ(rules_->find_group("teens"), kTeens);
}

TEST_F(DecideTest, UrlTooLongForTheRegexesIsBlockedNotSkipped) {
  const std::string path = "/" + std::string(20 * 1024, 'a');
  const auto d = decide(*rules_, http_facts(kStaff, "www.example.com", path));
  EXPECT_EQ(d.action, Action::block);
  EXPECT_EQ(d.category, kNoCategory);
  EXPECT_EQ(rules_->rule(d.rule).kind, RuleKind::builtin);
  EXPECT_NE(d.reason.find("too long"), std::string_view::npos) << d.reason;
  // Mandatory domain matches still name their category.
  EXPECT_EQ(category_of(decide(*rules_, http_facts(kStaff, "porn.example", path))), "adult");
}

TEST_F(DecideTest, ConcurrentDecisionsAgreeWithSingleThreaded) {
  const char* hosts[] = {"porn.example",   "roblox.com",     "facebook.com", "bet123.example",
                         "www.google.com", "edu.roblox.com", "example.org",  "10.0.0.1"};
  std::vector<Decision> expected;
  for (const char* h : hosts) expected.push_back(decide(*rules_, http_facts(kPrimary, h)));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::size_t k = static_cast<std::size_t>(i) % std::size(hosts);
        const Decision d = decide(*rules_, http_facts(kPrimary, hosts[k]));
        if (d.action != expected[k].action || d.rule != expected[k].rule) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const int m : mismatches) EXPECT_EQ(m, 0);
}

}  // namespace
}  // namespace edugate::rules
