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
