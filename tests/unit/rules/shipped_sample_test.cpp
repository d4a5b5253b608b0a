// The rule set shipped in etc/rules/ must load cleanly and do what its comments say.
#include <gtest/gtest.h>

#include "rules/decide.hpp"
#include "rules/load_rules.hpp"
#include "rules/tools/summary.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::at;
using testing::connect_facts;
using testing::http_facts;

class ShippedSampleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RulesSettings s;
    s.department = std::string(EDUGATE_SOURCE_DIR) + "/etc/rules/department";
    s.school = std::string(EDUGATE_SOURCE_DIR) + "/etc/rules/school.yaml";
    auto loaded = load_rules(s);
    ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
    ASSERT_TRUE(loaded.diagnostics.empty()) << testing::all(loaded.diagnostics);
    rules_ = loaded.rules;
  }
  static void TearDownTestSuite() { rules_.reset(); }

  static GroupId group(const char* id) { return *rules_->find_group(id); }
  static Decision host(const char* group_id, const char* host, LocalTime when) {
    return decide(*rules_, http_facts(group(group_id), host, "/", "", when));
  }

  static inline std::shared_ptr<const RuleSet> rules_;
};

TEST_F(ShippedSampleTest, HasTheVietnameseCategoriesAndSchoolLevels) {
  for (const char* id : {"nguoi-lon", "co-bac", "ma-tuy", "bao-luc", "tu-hai", "lua-dao",
                         "tro-choi-00", "tro-choi-12", "tro-choi-16", "tro-choi-18", "mang-xa-hoi",
                         "vpn-proxy", "doh", "truong-chan"}) {
    const auto c = rules_->find_category(id);
    ASSERT_TRUE(c) << id;
    EXPECT_FALSE(rules_->category(*c).label_vi.empty());
    EXPECT_GT(rules_->category(*c).domains + rules_->category(*c).url_prefixes, 0u) << id;
  }
  EXPECT_EQ(rules_->category(*rules_->find_category("co-bac")).label_vi, "Cờ bạc, cá độ");
  EXPECT_TRUE(rules_->category(*rules_->find_category("co-bac")).mandatory);
  EXPECT_FALSE(rules_->category(*rules_->find_category("tro-choi-12")).mandatory);
  for (const char* id : {"mam-non", "tieu-hoc", "thcs", "thpt", "giao-vien", "kiem-thu"})
    EXPECT_TRUE(rules_->find_group(id)) << id;
}

// Games by age rating: after class a band gets the games rated for its age and no others;
// during school hours none; 18+ never for a pupil.
TEST_F(ShippedSampleTest, GamesAreMatchedToTheAgeOfEachSchoolLevel) {
  const LocalTime saturday = at(5, 10, 0), monday = at(0, 10, 0);
  struct Case {
    const char* group;
    const char* host;  // rated 00+, 12+, 16+, 18+
    Action after_class;
  };
  const Case cases[] = {
      {"mam-non", "poki.com", Action::block},   {"mam-non", "roblox.com", Action::block},
      {"tieu-hoc", "poki.com", Action::warn},   {"tieu-hoc", "roblox.com", Action::block},
      {"tieu-hoc", "garena.vn", Action::block}, {"tieu-hoc", "pubg.com", Action::block},
      {"thcs", "poki.com", Action::allow},      {"thcs", "roblox.com", Action::allow},
      {"thcs", "garena.vn", Action::block},     {"thcs", "pubg.com", Action::block},
      {"thpt", "poki.com", Action::allow},      {"thpt", "roblox.com", Action::allow},
      {"thpt", "www.garena.vn", Action::allow}, {"thpt", "pubg.com", Action::block},
      {"giao-vien", "pubg.com", Action::allow},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(host(c.group, c.host, saturday).action, c.after_class) << c.group << " " << c.host;
    if (std::string_view(c.group) != "giao-vien") {
      EXPECT_EQ(host(c.group, c.host, monday).action, Action::block) << c.group << " " << c.host;
    }
  }
  EXPECT_EQ(rules_->category(host("thpt", "pubg.com", saturday).category).id, "tro-choi-18");
  EXPECT_EQ(rules_->category(host("thcs", "garena.vn", saturday).category).id, "tro-choi-16");
  // `edugate check`'s summary shows it per group: THCS after class blocks 16+ and 18+ only.
  const std::string s = tools::format_summary(*rules_);
  EXPECT_NE(s.find("Sat 10:00 blocks: tro-choi-16, tro-choi-18, vpn-proxy"), std::string::npos)
      << s;
  EXPECT_NE(s.find("Sat 10:00 blocks: tro-choi-18, vpn-proxy"), std::string::npos) << s;
}

TEST_F(ShippedSampleTest, GamesBlockedDuringSchoolHoursOnWeekdays) {
  EXPECT_EQ(host("thcs", "roblox.com", at(0, 6, 59)).action, Action::allow);
  EXPECT_EQ(host("thcs", "roblox.com", at(0, 7, 0)).action, Action::block);
  EXPECT_EQ(host("thcs", "www.roblox.com", at(4, 16, 29)).action, Action::block);
  EXPECT_EQ(host("thcs", "roblox.com", at(4, 16, 30)).action, Action::allow);
  EXPECT_EQ(host("thcs", "roblox.com", at(5, 10, 0)).action, Action::allow);
  EXPECT_EQ(host("tieu-hoc", "roblox.com", at(5, 10, 0)).action, Action::block);  // rated 12+
  EXPECT_EQ(host("mam-non", "roblox.com", at(5, 10, 0)).action, Action::block);
  EXPECT_EQ(host("giao-vien", "roblox.com", at(0, 10, 0)).action, Action::allow);
}

TEST_F(ShippedSampleTest, MandatoryCategoriesBlockEveryone) {
  for (const char* g : {"mam-non", "thpt", "giao-vien", "default", "kiem-thu"}) {
    EXPECT_EQ(host(g, "www.fb88.com", at(6, 20, 0)).action, Action::block) << g;
    EXPECT_EQ(host(g, "jun88.com", at(6, 20, 0)).action, Action::block) << g;
    EXPECT_EQ(host(g, "m.pornhub.com", at(6, 20, 0)).action, Action::block) << g;
    EXPECT_EQ(host(g, "vietcombank-xacthuc.top", at(6, 20, 0)).action, Action::block) << g;
    EXPECT_EQ(host(g, "sanctioned-suicide.net", at(6, 20, 0)).action, Action::block) << g;
  }
}

TEST_F(ShippedSampleTest, ListFormatsAndSchoolOverrides) {
  const LocalTime monday = at(0, 10, 0);
  EXPECT_EQ(host("thpt", "nordvpn.com", monday).action, Action::block);      // dnsmasq
  EXPECT_EQ(host("giao-vien", "dns.google", monday).action, Action::block);  // inline
  EXPECT_EQ(host("thpt", "twitch.tv", monday).action, Action::warn);         // school category
  EXPECT_EQ(host("thcs", "twitch.tv", monday).action, Action::block);
  EXPECT_EQ(host("thcs", "education.minecraft.net", monday).action, Action::allow);
  EXPECT_EQ(host("thcs", "minecraft.net", monday).action, Action::block);
  EXPECT_EQ(host("thpt", "facebook.com", at(0, 9, 40)).action, Action::allow);  // break
  EXPECT_EQ(host("thpt", "facebook.com", at(0, 9, 50)).action, Action::warn);
  const auto url = decide(*rules_, http_facts(group("thcs"), "kenh14.vn", "/game/abc", "", monday));
  EXPECT_EQ(url.action, Action::block);  // squidGuard urls file
  EXPECT_EQ(rules_->rule(url.rule).kind, RuleKind::url_prefix);
  const auto regex =
      decide(*rules_, http_facts(group("giao-vien"), "example.net", "/videos/porn/1", "", monday));
  EXPECT_EQ(regex.action, Action::block);  // squidGuard expressions file
}

TEST_F(ShippedSampleTest, LoopbackIsTheTestGroupAndIpv6LoopbackTheDefault) {
  EXPECT_EQ(rules_->group_for(*parse_ip("127.0.0.1")), group("kiem-thu"));
  EXPECT_EQ(rules_->group_for(*parse_ip("::1")), std::nullopt);
  EXPECT_EQ(rules_->group(kDefaultGroup).age, AgeBand::tieu_hoc);
  EXPECT_EQ(rules_->group_for(*parse_ip("10.20.3.4")), group("tieu-hoc"));
}

TEST_F(ShippedSampleTest, SummaryListsCategoriesAndGroups) {
  const std::string s = tools::format_summary(*rules_);
  EXPECT_NE(s.find("co-bac"), std::string::npos) << s;
  EXPECT_NE(s.find("Cờ bạc, cá độ"), std::string::npos) << s;
  EXPECT_NE(s.find("kiem-thu"), std::string::npos) << s;
  EXPECT_NE(s.find("127.0.0.0/8"), std::string::npos) << s;
}

}  // namespace
}  // namespace edugate::rules
