#include "rules/update/self_test.hpp"

#include <gtest/gtest.h>

#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules::update {
namespace {

std::string department(std::string_view mandatory_domains, int games) {
  std::string games_list;
  for (int i = 0; i < games; ++i) games_list += "g" + std::to_string(i) + ".test, ";
  return "categories:\n"
         "  - id: xau\n    labels: {vi: \"Xấu\", en: \"Bad\"}\n    mandatory: true\n"
         "    domains: [" +
         std::string(mandatory_domains) +
         "]\n"
         "  - id: game\n    labels: {vi: \"Game\", en: \"Games\"}\n    domains: [" +
         games_list + "x.test]\n";
}

constexpr std::string_view kSchool = R"(groups:
  - id: hs
    labels: {vi: "HS", en: "Pupils"}
    age: thcs
    networks: [10.0.0.0/8]
default_group: {labels: {vi: "Khách", en: "Guests"}, age: thcs}
)";

TEST(SelfTest, PassesAGoodBundleAndCountsEntries) {
  const auto serving = testing::load_yaml(department("bad.test", 10), kSchool);
  ASSERT_TRUE(serving.rules) << testing::all(serving.diagnostics);
  EXPECT_EQ(entry_count(*serving.rules), 12u);
  const auto next = testing::load_yaml(department("bad.test, worse.test", 10), kSchool);
  EXPECT_TRUE(self_test(*next.rules, serving.rules.get(), {}).empty());
  EXPECT_TRUE(self_test(*next.rules, nullptr, {}).empty());
}

TEST(SelfTest, RefusesAMandatoryCategoryThatLostItsEntriesOrWentAway) {
  const auto serving = testing::load_yaml(department("bad.test", 0), kSchool);
  const auto emptied = testing::load_yaml(department("", 0), kSchool);
  ASSERT_TRUE(emptied.rules) << testing::all(emptied.diagnostics);
  const auto p = self_test(*emptied.rules, serving.rules.get(), {});
  ASSERT_FALSE(p.empty());
  EXPECT_NE(p.front().find("xau has no entries"), std::string::npos) << p.front();

  const auto gone = testing::load_yaml(
      "categories:\n  - id: game\n    labels: {vi: \"G\", en: \"G\"}\n    domains: [x.test]\n",
      kSchool);
  ASSERT_TRUE(gone.rules) << testing::all(gone.diagnostics);
  const auto q = self_test(*gone.rules, serving.rules.get(), {});
  ASSERT_FALSE(q.empty());
  EXPECT_NE(q.front().find("xau is gone"), std::string::npos) << q.front();
}

TEST(SelfTest, RefusesAShrinkUnlessTheDepartmentSaysItIsMeant) {
  const auto serving = testing::load_yaml(department("bad.test", 100), kSchool);
  const auto cut = testing::load_yaml(department("bad.test", 10), kSchool);
  ASSERT_TRUE(cut.rules);
  const auto p = self_test(*cut.rules, serving.rules.get(), {});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_NE(p.front().find("lost more than 50%"), std::string::npos) << p.front();
  SelfTestLimits meant;
  meant.allow_shrink = true;
  EXPECT_TRUE(self_test(*cut.rules, serving.rules.get(), meant).empty());
  SelfTestLimits lenient;
  lenient.max_shrink = 0.95;
  EXPECT_TRUE(self_test(*cut.rules, serving.rules.get(), lenient).empty());
}

}  // namespace
}  // namespace edugate::rules::update
