#include "reporting/merge.hpp"

#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting {
namespace {

struct School {
  std::string id;
  EvpPkey key = generate_ed25519(nullptr);
  nlohmann::json report;
};

School make_school(const std::string& id) {
  School s;
  s.id = id;
  auto req = testing::sample_request();
  req.school_id = id;
  s.report = report_to_json(build_report(testing::sample_week(), req));
  EXPECT_TRUE(sign_report(s.report, s.key.get(), nullptr));
  return s;
}

KeyDirectory trust(const std::vector<School*>& schools) {
  KeyDirectory keys;
  for (auto* s : schools)
    keys.add(s->id, load_public_key(public_key_base64(s->key.get()), nullptr));
  return keys;
}

TEST(Merge, SumsPublishedValuesAndCountsSuppressedSchools) {
  auto a = make_school("school-a"), b = make_school("school-b");
  const auto out = merge_reports({{"a.json", a.report}, {"b.json", b.report}}, trust({&a, &b}), {});
  ASSERT_TRUE(out.report) << (out.refused.empty() ? "" : out.refused[0]);
  const auto& m = *out.report;
  EXPECT_EQ(m.kind, "merged");
  EXPECT_EQ(m.schools.size(), 2u);
  const LocalDay mon = m.period.from;
  const auto* cell = testing::find_entry(m, mon, "block", "games", "thpt");
  ASSERT_TRUE(cell);
  EXPECT_EQ(cell->requests, 240u);
  EXPECT_EQ(cell->suppressed_schools, 0u);
  const auto* rare = testing::find_entry(m, mon + 1, "block", "adult", "thcs");
  ASSERT_TRUE(rare);
  EXPECT_EQ(rare->requests, 0u) << "suppressed values are never summed back in";
  EXPECT_EQ(rare->suppressed_schools, 2u);
  EXPECT_FALSE(m.notes.empty());
  const auto j = report_to_json(m);
  EXPECT_EQ(j["cells"][0].count("suppressed_schools"), 1u);
  EXPECT_TRUE(report_from_json(j, nullptr));
}

TEST(Merge, ABadSignatureIsRefused) {
  auto a = make_school("school-a"), b = make_school("school-b");
  for (auto& c : b.report["cells"])
    if (c.contains("requests")) {
      c["requests"] = 999999;
      break;
    }
  const auto keys = trust({&a, &b});
  const auto out = merge_reports({{"a.json", a.report}, {"b.json", b.report}}, keys, {});
  EXPECT_FALSE(out.report);
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_EQ(out.refused[0].rfind("b.json: ", 0), 0u) << out.refused[0];
  // With --skip-invalid the rest is merged and the refusal is stated in the report.
  const auto partial = merge_reports({{"a.json", a.report}, {"b.json", b.report}}, keys, {true});
  ASSERT_TRUE(partial.report);
  EXPECT_EQ(partial.report->schools.size(), 1u);
  EXPECT_NE(partial.report->notes.back().find("b.json"), std::string::npos);
}

TEST(Merge, UnknownSchoolKeyAndDuplicatesAreRefused) {
  auto a = make_school("school-a"), b = make_school("school-b");
  const auto keys = trust({&a});
  auto out = merge_reports({{"a.json", a.report}, {"b.json", b.report}}, keys, {});
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_NE(out.refused[0].find("no trusted key"), std::string::npos);
  out = merge_reports({{"a.json", a.report}, {"a-again.json", a.report}}, keys, {});
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_NE(out.refused[0].find("overlapping"), std::string::npos);
}

}  // namespace
}  // namespace edugate::reporting
