// check_report(): what the department accepts from the network, and why it refuses the rest.
#include "reporting/department/ingest.hpp"

#include <gtest/gtest.h>

#include "reporting/calendar.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting::department {
namespace {

using nlohmann::json;

json week_report(const std::string& school, const std::string& week) {
  Report r;
  r.period = *parse_iso_week(week);
  r.iso_week = week;
  r.generator = "edugate test";
  SchoolInfo s;
  s.id = school;
  s.name = school;
  s.nodes = {"node-1"};
  r.schools.push_back(s);
  r.categories["tro-choi"] = {"tro-choi", "Trò chơi", "Games"};
  r.groups["hs"] = {"hs", "Học sinh", "thcs"};
  r.entries.push_back({r.period.from, "block", "tro-choi", "hs", 30, 12, false, 0});
  r.entries.push_back({r.period.from + 1, "block", "tro-choi", "hs", 0, 2, true, 0});
  return report_to_json(r);
}

struct Keys {
  EvpPkey a = generate_ed25519(nullptr), b = generate_ed25519(nullptr);
  KeyLookup lookup() const {
    return [this](const std::string& id) -> EVP_PKEY* {
      return id == "a" ? a.get() : id == "b" ? b.get() : nullptr;
    };
  }
  std::string signed_text(json doc, EVP_PKEY* key) const {
    EXPECT_TRUE(sign_report(doc, key, nullptr));
    return doc.dump();
  }
};

TEST(DepartmentIngest, AcceptsASignedWeekAndTakesItApart) {
  Keys keys;
  const auto text = keys.signed_text(week_report("a", "2026-W48"), keys.a.get());
  const auto c = check_report(text, keys.lookup());
  ASSERT_TRUE(c.report) << c.reason;
  EXPECT_EQ(c.http_status(), 0u);
  EXPECT_EQ(c.report->school_id, "a");
  EXPECT_EQ(c.report->node, "node-1");
  EXPECT_EQ(c.report->iso_week, "2026-W48");
  EXPECT_EQ(c.report->period_from, "2026-11-23");
  ASSERT_EQ(c.report->cells.size(), 2u);
  EXPECT_EQ(c.report->cells[0].age, "thcs");
  EXPECT_EQ(c.report->cells[0].requests, 30u);
  EXPECT_FALSE(c.report->cells[1].requests) << "a suppressed cell has no number";
  // The same signed content serialised otherwise: other bytes, the same idempotency key.
  const auto pretty = json::parse(text).dump(2);
  const auto again = check_report(pretty, keys.lookup());
  ASSERT_TRUE(again.report);
  EXPECT_NE(again.report->sha256, c.report->sha256);
  EXPECT_EQ(again.report->content_sha256, c.report->content_sha256);
}

TEST(DepartmentIngest, ASchoolsOwnSignedReportCannotOverflowOrSwellTheProvincesTables) {
  // A hostile school holds a valid key for itself: what it signs still has bounds, or its
  // sums would overflow the province's (every dashboard page failing) or swell its pages.
  Keys keys;
  const auto refused = [&](json doc, const std::string& why) {
    const auto c = check_report(keys.signed_text(std::move(doc), keys.a.get()), keys.lookup());
    EXPECT_EQ(c.refusal, IngestRefusal::malformed) << why;
    EXPECT_NE(c.reason.find(why), std::string::npos) << c.reason;
  };
  auto twice = week_report("a", "2026-W48");
  twice["cells"].push_back(twice["cells"][0]);
  refused(twice, "a cell appears twice");
  auto huge = week_report("a", "2026-W48");
  huge["cells"][0]["requests"] = 9007199254740991ULL;  // 2^53 - 1, as JSON numbers allow
  refused(huge, "more than 10000000000 requests");
  auto many = week_report("a", "2026-W48");
  for (int i = 0; i < 600; ++i) {
    auto cell = many["cells"][0];
    cell["category"] = "c" + std::to_string(i);
    many["cells"].push_back(cell);
  }
  refused(many, "more than 512 distinct");
  // At the bounds: accepted.
  auto big = week_report("a", "2026-W48");
  big["cells"][0]["requests"] = 10'000'000'000ULL;
  EXPECT_TRUE(check_report(keys.signed_text(big, keys.a.get()), keys.lookup()).report);
}

TEST(DepartmentIngest, RefusesWhatNoRegisteredKeyOfThatSchoolSigned) {
  Keys keys;
  EXPECT_EQ(
      check_report(keys.signed_text(week_report("z", "2026-W48"), keys.a.get()), keys.lookup())
          .refusal,
      IngestRefusal::unknown_school);
  // A's key speaking for B.
  EXPECT_EQ(
      check_report(keys.signed_text(week_report("b", "2026-W48"), keys.a.get()), keys.lookup())
          .refusal,
      IngestRefusal::bad_signature);
  auto tampered = json::parse(keys.signed_text(week_report("a", "2026-W48"), keys.a.get()));
  tampered["cells"][0]["requests"] = 31;
  EXPECT_EQ(check_report(tampered.dump(), keys.lookup()).http_status(), 401u);
}

TEST(DepartmentIngest, RefusesDocumentsThatReachOutsideTheirWeek) {
  Keys keys;
  const auto refused = [&](const std::function<void(json&)>& change) {
    auto doc = week_report("a", "2026-W48");
    change(doc);
    const auto c = check_report(keys.signed_text(doc, keys.a.get()), keys.lookup());
    return c.refusal == IngestRefusal::malformed && c.http_status() == 400;
  };
  EXPECT_TRUE(refused([](json& j) { j["period"]["to"] = "2026-12-31"; }));
  EXPECT_TRUE(refused([](json& j) { j["period"].erase("iso_week"); }));
  EXPECT_TRUE(refused([](json& j) { j["period"]["iso_week"] = "2026-W49"; }));
  EXPECT_TRUE(refused([](json& j) { j["cells"][0]["day"] = "2026-11-30"; }));
  EXPECT_TRUE(refused([](json& j) { j["cells"][0]["group"] = "h s"; }));
  EXPECT_TRUE(refused([](json& j) { j["kind"] = "merged"; }));
  EXPECT_TRUE(refused([](json& j) { j["schools"][0]["nodes"] = json::array({"a", "b"}); }));
  EXPECT_TRUE(refused([](json& j) {
    j["signature_extra"] = 1;
    j["schema_version"] = 99;
  }));
}

TEST(DepartmentIngest, ARefusalEchoesNothingTheSignatureDoesNotCover) {
  // Anyone can send a document naming a registered school with a forged key id: the reason
  // (answered and logged) must not carry it.
  Keys keys;
  auto doc = json::parse(keys.signed_text(week_report("a", "2026-W48"), keys.b.get()));
  doc["signature"]["key_id"] = "\n2026-12-01 08:00:00.000 info department: FORGED";
  const auto c = check_report(doc.dump(), keys.lookup());
  EXPECT_EQ(c.refusal, IngestRefusal::bad_signature);
  EXPECT_EQ(c.reason.find("FORGED"), std::string::npos) << c.reason;
  EXPECT_EQ(c.reason.find('\n'), std::string::npos) << c.reason;
}

TEST(DepartmentIngest, GarbageIsMalformedNeverAnException) {
  Keys keys;
  for (const char* text : {"", "[]", "{", "{\"schema_version\":2}", "\xff\xfe",
                           "{\"schema_version\":2,\"kind\":\"school\",\"schools\":[{\"id\":7}]}",
                           "{\"schema_version\":2,\"kind\":\"school\",\"schools\":[{\"id\":\"a\"}],"
                           "\"signature\":{\"algorithm\":5}}"}) {
    const auto c = check_report(text, keys.lookup());
    EXPECT_FALSE(c.report) << text;
    EXPECT_NE(c.http_status(), 0u) << text;
  }
}

}  // namespace
}  // namespace edugate::reporting::department
