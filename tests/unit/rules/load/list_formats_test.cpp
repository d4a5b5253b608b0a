// Each list format reaches the compiled tables through a category's `lists:`.
#include <gtest/gtest.h>

#include "rules/decide.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::http_facts;

class ListFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_.write("lists/plain.txt", "# comment\nplain.example\n*.star.example\n");
    tree_.write("lists/hosts", "127.0.0.1 localhost\n0.0.0.0 hosts-a.example hosts-b.example\n");
    tree_.write("lists/adguard.txt", "! title\n||adguard.example^\n@@||allowed.example^\n");
    tree_.write("lists/dnsmasq.conf", "server=/dnsmasq.example/\naddress=/dns2.example/0.0.0.0\n");
    tree_.write("ut1/games/domains", "sg-domain.example\n10.9.8.7\n");
    tree_.write("ut1/games/urls", "sg-url.example/play\n");
    tree_.write("ut1/games/expressions", "^[a-z0-9.-]*casino-[0-9]+\\.\n");
    tree_.write("department.yaml", R"(categories:
  - id: c
    labels: {vi: a, en: b}
    mandatory: true
    lists:
      - {format: domains, file: lists/plain.txt}
      - {format: hosts, file: lists/hosts}
      - {format: adguard, file: lists/adguard.txt}
      - {format: dnsmasq, file: lists/dnsmasq.conf}
      - {squidguard: ut1/games}
)");
    loaded_ = testing::load_tree(tree_);
    ASSERT_TRUE(loaded_.rules) << testing::all(loaded_.diagnostics);
  }
  Action decide_on(std::string_view host, std::string_view path = "/") {
    return decide(*loaded_.rules, http_facts(kDefaultGroup, host, path)).action;
  }

  testing::TempTree tree_;
  LoadResult loaded_;
};

TEST_F(ListFormatsTest, EveryFormatBlocks) {
  for (const char* host : {"plain.example", "www.plain.example", "star.example", "hosts-a.example",
                           "hosts-b.example", "adguard.example", "dnsmasq.example", "dns2.example",
                           "sg-domain.example", "10.9.8.7", "casino-12.example"})
    EXPECT_EQ(decide_on(host), Action::block) << host;
  EXPECT_EQ(decide_on("sg-url.example", "/play/now"), Action::block);
  EXPECT_EQ(decide_on("sg-url.example", "/other"), Action::allow);
}

TEST_F(ListFormatsTest, NonBlockEntriesAreNotBlocked) {
  EXPECT_EQ(decide_on("localhost"), Action::allow);
  EXPECT_EQ(decide_on("allowed.example"), Action::allow);  // AdGuard @@ exception is skipped
  EXPECT_EQ(decide_on("10.9.8.6"), Action::block);         // but: bare IP for a pupil default
}

TEST_F(ListFormatsTest, CountsAndRulePositions) {
  const RuleSet& rules = *loaded_.rules;
  const CategoryInfo& c = rules.category(0);
  EXPECT_EQ(c.domains, 9u);
  EXPECT_EQ(c.url_prefixes, 1u);
  EXPECT_EQ(c.regexes, 1u);
  const auto d = decide(rules, http_facts(kDefaultGroup, "x.hosts-b.example", "/"));
  const RuleInfo r = rules.rule(d.rule);
  EXPECT_EQ(r.file, tree_.path("lists/hosts"));
  EXPECT_EQ(r.line, 2u);
  EXPECT_EQ(r.text, "hosts-b.example");
}

TEST(ListFormats, SameDomainInTwoCategoriesKeepsBoth) {
  testing::TempTree tree;
  tree.write("department.yaml", R"(categories:
  - id: social
    labels: {vi: a, en: b}
    domains: [both.example]
  - id: video
    labels: {vi: a, en: b}
    domains: [both.example]
profiles:
  thcs:
    warn: [social]
    block: [video]
)");
  tree.write("school.yaml", "default_group: {age: thcs}\n");
  const auto loaded = testing::load_tree(tree, "department.yaml", "school.yaml");
  ASSERT_TRUE(loaded.rules) << testing::all(loaded.diagnostics);
  const auto d = decide(*loaded.rules, http_facts(kDefaultGroup, "both.example"));
  EXPECT_EQ(d.action, Action::block);
  EXPECT_EQ(loaded.rules->category(d.category).id, "video");
  EXPECT_EQ(loaded.rules->rule(d.rule).category, d.category);
}

}  // namespace
}  // namespace edugate::rules
