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

School make_school(const std::string& id, const std::string& node = "",
                   std::vector<BundleInForce> bundles = {}) {
  School s;
  s.id = id;
  auto req = testing::sample_request();
  req.school_id = id;
  req.node_id = node;
  auto week = testing::sample_week();
  week.bundles = std::move(bundles);
  s.report = report_to_json(build_report(week, req));
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

/// Node `node` of `school`: the same school id and signing key, its own counts.
School another_node(const School& school, const std::string& node) {
  School s;
  s.id = school.id;
  s.key = EvpPkey(EVP_PKEY_dup(school.key.get()));
  auto req = testing::sample_request();
  req.school_id = school.id;
  req.node_id = node;
  s.report = report_to_json(build_report(testing::sample_week(), req));
  EXPECT_TRUE(sign_report(s.report, s.key.get(), nullptr));
  return s;
}

// Two gateways of one school behind HAProxy: both weekly reports are accepted, their published
// counts add up, the school is listed once with both nodes, and the notes say how devices
// combine across nodes.
TEST(Merge, NodesOfOneSchoolAreAddedUp) {
  auto gw1 = make_school("school-a", "gw1");
  auto gw2 = another_node(gw1, "gw2");
  const auto keys = trust({&gw1});
  const auto out = merge_reports({{"gw1.json", gw1.report}, {"gw2.json", gw2.report}}, keys, {});
  ASSERT_TRUE(out.report) << (out.refused.empty() ? "" : out.refused[0]);
  const auto& m = *out.report;
  ASSERT_EQ(m.schools.size(), 1u);
  EXPECT_EQ(m.schools[0].nodes, (std::vector<std::string>{"gw1", "gw2"}));
  const auto* cell = testing::find_entry(m, m.period.from, "block", "games", "thpt");
  ASSERT_TRUE(cell);
  EXPECT_EQ(cell->requests, 240u);  // 120 on each node
  bool said = false;
  for (const auto& n : m.notes) said = said || n.find("largest node's") != std::string::npos;
  EXPECT_TRUE(said);
  // The nodes survive the JSON round trip.
  const auto back = report_from_json(report_to_json(m), nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->schools[0].nodes, m.schools[0].nodes);
}

// Reports say which department bundle ran; the merge names the schools not on the newest one.
TEST(Merge, ListsTheSchoolsNotOnTheNewestDepartmentBundle) {
  const LocalDay mon = parse_iso_week("2026-W47")->from;
  const DepartmentBundle v7{"7", "update", true}, v8{"8", "update", true};
  const DepartmentBundle local{"-", "local", false};
  auto a = make_school("school-a", "", {{v7, mon, mon + 2}, {v8, mon + 3, mon + 6}});
  auto b = make_school("school-b", "", {{v7, mon, mon + 6}});
  auto c = make_school("school-c", "", {{local, mon, mon + 6}});
  auto d = make_school("school-d");  // a report from before rules.update: no claim either way
  const auto out = merge_reports(
      {{"a.json", a.report}, {"b.json", b.report}, {"c.json", c.report}, {"d.json", d.report}},
      trust({&a, &b, &c, &d}), {});
  ASSERT_TRUE(out.report) << (out.refused.empty() ? "" : out.refused[0]);
  std::string note;
  for (const auto& n : out.report->notes)
    if (n.find("newest bundle") != std::string::npos) note = n;
  EXPECT_NE(note.find("(v8)"), std::string::npos) << note;
  EXPECT_NE(note.find("school-b (v7)"), std::string::npos) << note;
  EXPECT_NE(note.find("school-c (rules.department local, not verified)"), std::string::npos)
      << note;
  EXPECT_EQ(note.find("school-a"), std::string::npos) << note;
  EXPECT_EQ(note.find("school-d"), std::string::npos) << note;
  // The bundles survive the signed JSON round trip.
  const auto back = report_from_json(report_to_json(*out.report), nullptr);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->schools[0].department_bundles.size(), 2u);
  EXPECT_EQ(back->schools[0].department_bundles[1].bundle, v8);
  EXPECT_EQ(back->schools[0].department_bundles[1].first_day, mon + 3);
}

TEST(Merge, TheSameNodeTwiceOrAReportWithoutANodeIsStillADuplicate) {
  auto gw1 = make_school("school-a", "gw1");
  auto old = make_school("school-a");
  old.key = EvpPkey(EVP_PKEY_dup(gw1.key.get()));
  old.report = report_to_json(build_report(testing::sample_week(), [] {
    auto req = testing::sample_request();
    req.school_id = "school-a";
    return req;
  }()));
  ASSERT_TRUE(sign_report(old.report, old.key.get(), nullptr));
  const auto keys = trust({&gw1});
  auto out = merge_reports({{"gw1.json", gw1.report}, {"again.json", gw1.report}}, keys, {});
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_NE(out.refused[0].find("node gw1 is already merged"), std::string::npos) << out.refused[0];
  out = merge_reports({{"gw1.json", gw1.report}, {"old.json", old.report}}, keys, {});
  ASSERT_EQ(out.refused.size(), 1u);
  EXPECT_NE(out.refused[0].find("overlapping"), std::string::npos);
}

TEST(Merge, ANodeIdIsCheckedLikeASchoolId) {
  auto gw1 = make_school("school-a", "gw1");
  auto forged = gw1.report;
  forged["schools"][0]["nodes"] = {"gw1", "<script>"};
  std::string error;
  EXPECT_FALSE(report_from_json(forged, &error));
  EXPECT_NE(error.find("node id"), std::string::npos) << error;
}

}  // namespace
}  // namespace edugate::reporting
