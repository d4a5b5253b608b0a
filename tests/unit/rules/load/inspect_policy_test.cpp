// `inspect:` and `inspect_exempt:` in profiles and group policies: parsing, layering (the last
// mode wins, exemptions add up), errors as file:line:col, and RuleSet::inspect_exempt().
#include <gtest/gtest.h>

#include "rules/rule_set.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::all;
using testing::has_diagnostic;

constexpr std::string_view kDepartment = R"(categories:
  - id: adult
    labels: {vi: "Người lớn", en: "Adult"}
    mandatory: true
    domains: [porn.example]
  - id: banking
    labels: {vi: "Ngân hàng", en: "Banking"}
    domains: [vietcombank.com.vn, bidv.com.vn]
  - id: health
    labels: {vi: "Y tế", en: "Health"}
    domains: [benhvien.example]
profiles:
  thcs:
    inspect: all
    inspect_exempt: {categories: [banking], domains: [dichvucong.gov.vn]}
  thpt:
    inspect: blocked-only
)";

class InspectPolicyTest : public ::testing::Test {
 protected:
  LoadResult load(std::string_view school, std::string_view department = kDepartment) {
    tree_.write("department.yaml", department);
    tree_.write("school.yaml", school);
    return testing::load_tree(tree_, "department.yaml", "school.yaml");
  }
  void expect(const LoadResult& r, const char* file, int line, int column, std::string_view text) {
    EXPECT_FALSE(r.rules) << "loaded despite errors";
    EXPECT_TRUE(has_diagnostic(r.diagnostics, tree_.path(file), line, column, text))
        << "want " << file << ":" << line << ":" << column << ": ..." << text << "\ngot:\n"
        << all(r.diagnostics);
  }
  testing::TempTree tree_;
};

constexpr std::string_view kGroups = R"(groups:
  - id: thcs
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      inspect_exempt: {categories: [health], domains: [Truong.EDU.vn]}
  - id: thcs-off
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.31.0.0/16]
    policy:
      inspect: none
  - id: thpt
    labels: {vi: a, en: b}
    age: thpt
    networks: [10.40.0.0/16]
  - id: staff
    labels: {vi: a, en: b}
    age: staff
    networks: [10.90.0.0/24]
)";

GroupId group(const RuleSet& r, std::string_view id) { return *r.find_group(id); }

TEST_F(InspectPolicyTest, ModeIsLayeredAndDefaultsToNone) {
  const auto r = load(kGroups);
  ASSERT_TRUE(r.rules) << all(r.diagnostics);
  EXPECT_EQ(r.rules->group(group(*r.rules, "thcs")).inspect, InspectMode::all);
  EXPECT_EQ(r.rules->group(group(*r.rules, "thcs-off")).inspect, InspectMode::none);
  EXPECT_EQ(r.rules->group(group(*r.rules, "thpt")).inspect, InspectMode::blocked_only);
  EXPECT_EQ(r.rules->group(group(*r.rules, "staff")).inspect, InspectMode::none);
  EXPECT_EQ(r.rules->group(kDefaultGroup).inspect, InspectMode::none);
}

TEST_F(InspectPolicyTest, ExemptionsAddUpAcrossProfileAndGroup) {
  const auto r = load(kGroups);
  ASSERT_TRUE(r.rules) << all(r.diagnostics);
  const auto& rules = *r.rules;
  const auto thcs = group(rules, "thcs");
  const auto& info = rules.group(thcs);
  EXPECT_EQ(info.inspect_exempt_categories.size(), 2u);  // banking (profile) + health (group)
  EXPECT_EQ(info.inspect_exempt_domains,
            (std::vector<std::string>{"dichvucong.gov.vn", "truong.edu.vn"}));  // normalised
  EXPECT_TRUE(rules.inspect_exempt(thcs, "vietcombank.com.vn"));
  EXPECT_TRUE(rules.inspect_exempt(thcs, "www.vietcombank.com.vn"));  // subdomain of a listed one
  EXPECT_TRUE(rules.inspect_exempt(thcs, "benhvien.example"));
  EXPECT_TRUE(rules.inspect_exempt(thcs, "truong.edu.vn"));
  EXPECT_TRUE(rules.inspect_exempt(thcs, "a.b.dichvucong.gov.vn"));
  EXPECT_FALSE(rules.inspect_exempt(thcs, "gov.vn"));               // a parent is not exempt
  EXPECT_FALSE(rules.inspect_exempt(thcs, "xvietcombank.com.vn"));  // label boundaries only
  EXPECT_FALSE(rules.inspect_exempt(thcs, "porn.example"));
  EXPECT_FALSE(rules.inspect_exempt(thcs, "10.1.2.3"));
  EXPECT_FALSE(rules.inspect_exempt(thcs, ""));
  // Group thpt has the thpt profile: no exemptions; the health category is the thcs group's.
  EXPECT_FALSE(rules.inspect_exempt(group(rules, "thpt"), "benhvien.example"));
  // An out-of-range group reads as the default group (no exemptions there).
  EXPECT_FALSE(rules.inspect_exempt(9999, "vietcombank.com.vn"));
}

TEST_F(InspectPolicyTest, UnknownModeIsAnError) {
  const auto r = load(R"(groups:
  - id: g
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      inspect: everything
)");
  expect(r, "school.yaml", 7, 16, "inspect 'everything' is not one of: none, blocked-only, all");
}

TEST_F(InspectPolicyTest, UnknownExemptCategoryIsAnError) {
  const auto r = load(R"(groups:
  - id: g
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      inspect_exempt:
        categories: [banking, bankng]
)");
  expect(r, "school.yaml", 8, 31, "unknown category 'bankng' in inspect_exempt");
}

TEST_F(InspectPolicyTest, MalformedExemptDomainIsAnError) {
  const auto r = load(R"(groups:
  - id: g
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      inspect_exempt: {domains: ["bad domain!"]}
)");
  expect(r, "school.yaml", 7, 34, "'bad domain!' in inspect_exempt is not a domain");
}

TEST_F(InspectPolicyTest, UnknownKeyInInspectExemptIsAnError) {
  const auto r = load(R"(groups:
  - id: g
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      inspect_exempt: {hosts: [a.vn]}
)");
  expect(r, "school.yaml", 7, 24, "unknown key 'hosts' in inspect_exempt");
}

TEST_F(InspectPolicyTest, BadModeInAProfileIsAnError) {
  const auto r = load(kGroups, std::string(kDepartment) + "  mam-non:\n    inspect: 3\n");
  expect(r, "department.yaml", 19, 14, "inspect '3' is not one of");
}

TEST_F(InspectPolicyTest, UnknownExemptCategoryInAProfileIsReportedOnce) {
  // Two thcs groups share the profile: the error is about the profile, once.
  const auto r = load(
      kGroups, std::string(kDepartment) + "  mam-non:\n    inspect_exempt: {categories: [x]}\n");
  expect(r, "department.yaml", 19, 35, "unknown category 'x' in inspect_exempt");
  int unknown = 0;
  for (const auto& d : r.diagnostics)
    unknown += d.message.find("unknown category 'x'") != std::string::npos ? 1 : 0;
  EXPECT_EQ(unknown, 1);
}

TEST(InspectModeNames, RoundTrip) {
  for (const auto m : {InspectMode::none, InspectMode::blocked_only, InspectMode::all})
    EXPECT_EQ(parse_inspect_mode(to_string(m)), m);
  EXPECT_FALSE(parse_inspect_mode("blocked_only"));
  EXPECT_FALSE(parse_inspect_mode("ALL"));
}

}  // namespace
}  // namespace edugate::rules
