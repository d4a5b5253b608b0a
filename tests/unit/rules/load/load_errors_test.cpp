// Every problem `edugate check` reports must point at file:line:col and say what is wrong.
#include <gtest/gtest.h>

#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

using testing::all;
using testing::has_diagnostic;

constexpr std::string_view kBaseDepartment = R"(categories:
  - id: adult
    labels: {vi: "Người lớn", en: "Adult"}
    mandatory: true
    domains: [porn.example]
  - id: games
    labels: {vi: "Trò chơi", en: "Games"}
    domains: [roblox.com]
schedules:
  - id: school-hours
    windows:
      - {days: mon-fri, from: "07:00", to: "16:30"}
)";

class LoadErrorsTest : public ::testing::Test {
 protected:
  LoadResult department(std::string_view text) {
    tree_.write("department.yaml", text);
    return testing::load_tree(tree_, "department.yaml");
  }
  LoadResult school(std::string_view text) {
    tree_.write("department.yaml", kBaseDepartment);
    tree_.write("school.yaml", text);
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

TEST_F(LoadErrorsTest, UnknownKeyInCategory) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    domain: [x.com]
)");
  expect(r, "department.yaml", 4, 5, "unknown key 'domain' in a category");
}

TEST_F(LoadErrorsTest, SchoolKeyInDepartmentFile) {
  const auto r = department("groups: []\n");
  expect(r, "department.yaml", 1, 1, "unknown key 'groups' in a department rule file");
}

TEST_F(LoadErrorsTest, DuplicateYamlKey) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    id: other
)");
  expect(r, "department.yaml", 4, 5, "duplicate key 'id'");
}

TEST_F(LoadErrorsTest, YamlSyntaxError) {
  const auto r = department("categories:\n  - id: [unclosed\n");
  EXPECT_FALSE(r.rules);
  ASSERT_FALSE(r.diagnostics.empty());
  EXPECT_EQ(r.diagnostics[0].file, tree_.path("department.yaml"));
  EXPECT_GE(r.diagnostics[0].line, 2) << all(r.diagnostics);
}

TEST_F(LoadErrorsTest, BadRegexCarriesRe2Error) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    regexes:
      - 'ok\.example'
      - '(unclosed'
)");
  expect(r, "department.yaml", 6, 9, "bad regular expression '(unclosed': missing ): (unclosed");
}

TEST_F(LoadErrorsTest, BadRegexInExpressionsFile) {
  tree_.write("lists/x.expressions", "fine\n[z-a]\n");
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    lists: [{format: expressions, file: lists/x.expressions}]
)");
  expect(r, "lists/x.expressions", 2, 0,
         "bad regular expression '[z-a]': invalid character class range: z-a");
}

TEST_F(LoadErrorsTest, UnreadableListFile) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    lists:
      - {format: domains, file: lists/missing.txt}
)");
  expect(r, "department.yaml", 5, 33, "cannot read list file");
  EXPECT_NE(all(r.diagnostics).find("No such file or directory"), std::string::npos);
}

TEST_F(LoadErrorsTest, UnknownListFormat) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    lists: [{format: csv, file: a.csv}]
)");
  expect(r, "department.yaml", 4, 22, "unknown list format 'csv'");
}

TEST_F(LoadErrorsTest, MissingSquidGuardDirectory) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    lists: [{squidguard: ut1/nothing}]
)");
  expect(r, "department.yaml", 4, 26, "cannot read squidGuard directory");
}

TEST_F(LoadErrorsTest, BadInlineDomain) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    domains: [good.example, "bad domain.example"]
)");
  EXPECT_FALSE(r.rules);
  EXPECT_TRUE(
      has_diagnostic(r.diagnostics, tree_.path("department.yaml"), 4, 29, "'bad domain.example'"))
      << all(r.diagnostics);
}

TEST_F(LoadErrorsTest, DuplicateCategory) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
  - id: games
    labels: {vi: c, en: d}
)");
  expect(r, "department.yaml", 4, 9, "category 'games' is already defined at");
}

TEST_F(LoadErrorsTest, EmptyKeyword) {
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    keywords: ["!!!"]
)");
  expect(r, "department.yaml", 4, 16, "keyword '!!!' is empty");
}

TEST_F(LoadErrorsTest, ScheduleTimes) {
  const auto r = department(R"(schedules:
  - id: a
    windows:
      - {days: mon-fri, from: "7:00", to: "16:30"}
  - id: b
    windows:
      - {days: mon-fri, from: "16:30", to: "07:00"}
  - id: c
    windows:
      - {days: mon-xyz, from: "07:00", to: "08:00"}
)");
  expect(r, "department.yaml", 4, 31, "from '7:00' must be a time HH:MM");
  expect(r, "department.yaml", 7, 44, "to must be later than from");
  expect(r, "department.yaml", 10, 16, "'mon-xyz' is not a day or day range");
}

TEST_F(LoadErrorsTest, UnknownProfileBand) {
  const auto r = department("profiles:\n  lop-1: {block: []}\n");
  expect(r, "department.yaml", 2, 3, "profiles keys must be age bands");
}

TEST_F(LoadErrorsTest, DepartmentCannotAllowItsOwnMandatoryCategory) {
  const auto r =
      department(std::string(kBaseDepartment) + "profiles:\n  thcs:\n    allow: [adult]\n");
  expect(r, "department.yaml", 15, 13, "category 'adult' is mandatory and always blocked");
}

TEST_F(LoadErrorsTest, SchoolCannotAllowMandatoryCategory) {
  const auto r = school(R"(groups:
  - id: thcs
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      allow: [adult]
)");
  expect(r, "school.yaml", 7, 15, "category 'adult' is mandatory (set by the department at");
  EXPECT_NE(all(r.diagnostics).find("a school cannot allow, warn, monitor or schedule it"),
            std::string::npos);
}

TEST_F(LoadErrorsTest, SchoolCannotScheduleMandatoryCategory) {
  const auto r = school(R"(default_group:
  age: thpt
  policy:
    scheduled:
      - {category: adult, action: allow, outside: school-hours}
)");
  expect(r, "school.yaml", 5, 20, "category 'adult' is mandatory");
}

TEST_F(LoadErrorsTest, SchoolCannotExceptMandatoryDomain) {
  const auto r = school(R"(exceptions:
  domains: [www.porn.example]
  urls: [porn.example/lessons]
)");
  expect(r, "school.yaml", 2, 13,
         "exception 'www.porn.example' would lift mandatory category "
         "'adult'");
  expect(r, "school.yaml", 3, 10, "would lift mandatory category 'adult'");
}

TEST_F(LoadErrorsTest, SchoolCannotMakeCategoryMandatory) {
  const auto r = school(R"(categories:
  - id: local
    labels: {vi: a, en: b}
    mandatory: true
)");
  expect(r, "school.yaml", 4, 16, "only the department can make a category mandatory");
}

TEST_F(LoadErrorsTest, BadNetworks) {
  const auto r = school(R"(groups:
  - id: a
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.0.0.300/8, 10.1.2.3/32, "fd00::1/128", 10.1.0.0/8]
)");
  expect(r, "school.yaml", 5, 16, "'10.0.0.300/8' is not a network");
  expect(r, "school.yaml", 5, 30,
         "'10.1.2.3/32' is a single address: a group must not identify "
         "one device");
  expect(r, "school.yaml", 5, 43, "'fd00::1/128' is a single address");
  expect(r, "school.yaml", 5, 58, "bits set below the prefix length");
}

TEST_F(LoadErrorsTest, NetworkInTwoGroups) {
  const auto r = school(R"(groups:
  - id: b
    labels: {vi: a, en: b}
    age: thpt
    networks: [10.50.0.0/16]
  - id: c
    labels: {vi: a, en: b}
    age: thpt
    networks: ["10.50.0.0/16"]
)");
  expect(r, "school.yaml", 9, 16, "network 10.50.0.0/16 is already in group 'b'");
}

TEST_F(LoadErrorsTest, GroupProblems) {
  const auto r = school(R"(groups:
  - id: a
    labels: {vi: a, en: b}
    networks: [10.60.0.0/16]
  - id: default
    labels: {vi: a, en: b}
    age: thcs
    networks: [10.61.0.0/16]
  - id: c
    labels: {vi: a, en: b}
    age: lop-9
    networks: [10.62.0.0/16]
)");
  expect(r, "school.yaml", 2, 5, "a group needs an age band");
  expect(r, "school.yaml", 5, 9, "'default' is reserved");
  expect(r, "school.yaml", 11, 10, "age 'lop-9' is not one of");
}

TEST_F(LoadErrorsTest, PolicyReferences) {
  const auto r = school(R"(default_group:
  age: thcs
  policy:
    block: [gamez, games]
    warn: [games]
    scheduled:
      - {category: games, action: block, during: recess}
)");
  expect(r, "school.yaml", 4, 13, "unknown category 'gamez'");
  expect(r, "school.yaml", 5, 12, "category 'games' is already listed under block at line 4");
  expect(r, "school.yaml", 7, 20, "unknown schedule 'recess'");
}

TEST_F(LoadErrorsTest, SyntaxProblemsAreReportedBeforeReferences) {
  // Checks that need the whole rule set (unknown categories, ...) wait until the files parse.
  const auto r = school(R"(default_group:
  age: thcs
  policy:
    block: [gamez]
    scheduled:
      - {category: games, action: maybe, during: school-hours}
)");
  expect(r, "school.yaml", 6, 35, "action 'maybe' is not one of: block, warn, monitor, allow");
  EXPECT_EQ(all(r.diagnostics).find("gamez"), std::string::npos);
}

TEST_F(LoadErrorsTest, JunkListLinesAreWarningsAndTheRulesStillLoad) {
  tree_.write("lists/games.txt", "roblox.com\nnot a domain\nfriv.com\n");
  const auto r = department(R"(categories:
  - id: games
    labels: {vi: a, en: b}
    lists: [{format: domains, file: lists/games.txt}]
)");
  ASSERT_TRUE(r.rules) << all(r.diagnostics);
  bool found = false;
  for (const auto& d : r.diagnostics)
    found = found || (d.severity == Severity::warning && d.file == tree_.path("lists/games.txt") &&
                      d.line == 2 && format(d).find(": warning: ") != std::string::npos);
  EXPECT_TRUE(found) << all(r.diagnostics);
  EXPECT_EQ(r.rules->category(*r.rules->find_category("games")).domains, 2u);
}

TEST_F(LoadErrorsTest, ImplicitDefaultGroupIsAWarning) {
  const auto r = department(kBaseDepartment);
  ASSERT_TRUE(r.rules) << all(r.diagnostics);
  ASSERT_EQ(r.diagnostics.size(), 1u) << all(r.diagnostics);
  EXPECT_EQ(r.diagnostics[0].severity, Severity::warning);
  EXPECT_NE(r.diagnostics[0].message.find("no default_group"), std::string::npos);
  EXPECT_EQ(r.rules->group(kDefaultGroup).age, AgeBand::mam_non);
}

TEST_F(LoadErrorsTest, EmptyDepartmentDirectory) {
  tree_.write("dept/readme.txt", "no rules here\n");
  const auto r = testing::load_tree(tree_, "dept");
  EXPECT_FALSE(r.rules);
  EXPECT_TRUE(has_diagnostic(r.diagnostics, tree_.path("dept"), 0, 0, "holds no .yaml files"))
      << all(r.diagnostics);
}

}  // namespace
}  // namespace edugate::rules
