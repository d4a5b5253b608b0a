#include "rules/settings.hpp"

#include <gtest/gtest.h>

#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

std::optional<RulesSettings> parse(const std::string& yaml, Diagnostics& diags) {
  YamlReader reader("/etc/edugate/edugate.yaml", diags);
  const auto root = reader.load_text(yaml);
  if (!root) return std::nullopt;
  return parse_rules_settings((*root)["rules"], reader, "/etc/edugate");
}

TEST(RulesSettings, ResolvesPathsAgainstTheConfigDirectory) {
  Diagnostics diags;
  const auto s = parse(R"(rules:
  department: rules/department/
  school: ./rules/../rules/school.yaml
  timezone: Asia/Ho_Chi_Minh
  department_pubkey: /srv/keys/so.pub.pem
  regex_memory: 32MiB
)",
                       diags);
  ASSERT_TRUE(s) << testing::all(diags);
  EXPECT_EQ(s->department, "/etc/edugate/rules/department");
  EXPECT_EQ(s->school, "/etc/edugate/rules/school.yaml");
  EXPECT_EQ(s->timezone, "Asia/Ho_Chi_Minh");
  EXPECT_EQ(s->department_pubkey, "/srv/keys/so.pub.pem");
  EXPECT_EQ(s->regex_memory, std::uint64_t{32} << 20);
}

TEST(RulesSettings, DefaultsWhenOnlyTheDepartmentIsGiven) {
  Diagnostics diags;
  const auto s = parse("rules:\n  department: so.yaml\n", diags);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->timezone, "Asia/Ho_Chi_Minh");
  EXPECT_FALSE(s->school);
  EXPECT_FALSE(s->department_pubkey);
  EXPECT_EQ(s->regex_memory, std::uint64_t{64} << 20);
}

TEST(RulesSettings, ErrorsCarryPositions) {
  Diagnostics diags;
  EXPECT_FALSE(parse(R"(rules:
  departmnet: x
  timezone: Asia/Hanoi_City
  regex_memory: 10KiB
)",
                     diags));
  const auto f = "/etc/edugate/edugate.yaml";
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 2, 3, "unknown key 'departmnet' in rules"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 2, 3, "rules.department is required"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 3, 13, "unknown time zone 'Asia/Hanoi_City'"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 4, 17, "regex_memory must be between"))
      << testing::all(diags);
}

}  // namespace
}  // namespace edugate::rules

namespace edugate::rules {
namespace {

TEST(RulesUpdateSettings, ReadsTheKeysExactlySoNamed) {
  Diagnostics diags;
  const auto s = parse(R"(rules:
  department: rules/department
  update:
    url: https://so-gddt.example.vn/edugate
    pubkey: keys/so-gddt.pub.pem
    interval: 30s
    ca: keys/so-ca.pem
    state_dir: /var/lib/edugate/rules
    stale_after: 2d
    max_shrink: 20%
)",
                       diags);
  ASSERT_TRUE(s && s->update) << testing::all(diags);
  EXPECT_EQ(s->update->url, "https://so-gddt.example.vn/edugate/");  // a '/' is added
  EXPECT_EQ(s->update->pubkey, "/etc/edugate/keys/so-gddt.pub.pem");
  EXPECT_EQ(s->update->interval, std::chrono::seconds(30));
  EXPECT_EQ(s->update->ca, "/etc/edugate/keys/so-ca.pem");
  EXPECT_EQ(s->update->state_dir, "/var/lib/edugate/rules");
  EXPECT_EQ(s->update->stale_after, std::chrono::hours(48));
  EXPECT_DOUBLE_EQ(s->update->max_shrink, 0.2);
  Diagnostics d2;
  const auto system = parse(
      "rules:\n  department: d\n  update: {url: \"https://a.vn/\", pubkey: k.pem, ca: system}\n",
      d2);
  ASSERT_TRUE(system && system->update) << testing::all(d2);
  EXPECT_TRUE(system->update->ca.empty());  // the system trust store
  EXPECT_EQ(system->update->interval, std::chrono::hours(1));
}

TEST(RulesUpdateSettings, RefusesWhatWouldWeakenOrBreakUpdatesWithPositions) {
  Diagnostics diags;
  EXPECT_FALSE(parse(R"(rules:
  department: d
  update:
    url: http://so-gddt.example.vn/edugate/
    interval: 0s
    max_shrink: nan
    timeout: 400d
)",
                     diags));
  const auto f = "/etc/edugate/edugate.yaml";
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 4, 10, "rules.update.url must be https://"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 4, 5, "rules.update.pubkey is required"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 5, 15, "rules.update.interval must be between"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 6, 17, "rules.update.max_shrink must be a share"))
      << testing::all(diags);
  EXPECT_TRUE(testing::has_diagnostic(diags, f, 7, 14, "rules.update.timeout must be between"))
      << testing::all(diags);
}

}  // namespace
}  // namespace edugate::rules
