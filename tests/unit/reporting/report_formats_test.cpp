#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "report_fixture.hpp"
#include "reporting/report_csv.hpp"
#include "reporting/report_html.hpp"
#include "reporting/report_json.hpp"

namespace edugate::reporting {
namespace {

Report sample() { return build_report(testing::sample_week(), testing::sample_request()); }

TEST(ReportJson, StableSchemaAndRoundTrip) {
  const auto r = sample();
  const auto j = report_to_json(r);
  EXPECT_EQ(j["schema_version"], kReportSchemaVersion);
  EXPECT_EQ(j["kind"], "school");
  EXPECT_EQ(j["period"]["from"], "2026-11-16");
  EXPECT_EQ(j["period"]["iso_week"], "2026-W47");
  EXPECT_EQ(j["schools"][0]["id"], "thcs-nguyen-du");
  EXPECT_EQ(j["privacy"]["k"], 10);
  EXPECT_EQ(j["privacy"]["noise"]["mechanism"], "none");
  EXPECT_EQ(j["labels"]["categories"]["gambling"]["vi"], "Cờ bạc");
  EXPECT_EQ(j["labels"]["actions"]["block"]["en"], "Blocked");
  bool saw_suppressed = false;
  for (const auto& c : j["cells"]) {
    for (const char* key : {"day", "action", "category", "group"}) EXPECT_TRUE(c.contains(key));
    if (c.value("suppressed", false)) {
      saw_suppressed = true;
      EXPECT_FALSE(c.contains("requests")) << "a suppressed value is never written";
    }
  }
  EXPECT_TRUE(saw_suppressed);
  std::string error;
  const auto back = report_from_json(j, &error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(report_to_json(*back), j);
}

// Schema 2: each group carries its age band; a schema-1 report (from an appliance not yet
// upgraded) still reads, its groups without an age band.
TEST(ReportJson, GroupsCarryTheirAgeBandAndSchemaOneStillReads) {
  auto j = report_to_json(sample());
  EXPECT_EQ(j["schema_version"], 2);
  EXPECT_EQ(j["labels"]["groups"]["thcs"]["age"], "thcs");
  std::string error;
  auto v1 = j;
  v1["schema_version"] = 1;
  for (auto& [key, g] : v1["labels"]["groups"].items()) g = g["name"];
  const auto old = report_from_json(v1, &error);
  ASSERT_TRUE(old) << error;
  EXPECT_EQ(old->groups.at("thcs").name, "THCS lớp 6–9");
  EXPECT_EQ(old->groups.at("thcs").age, "");
  auto bad = j;
  bad["labels"]["groups"]["thcs"]["age"] = "university";
  EXPECT_FALSE(report_from_json(bad, &error));
  EXPECT_NE(error.find("age must be"), std::string::npos) << error;
}

TEST(ReportJson, RejectsOtherSchemasAndGarbage) {
  auto j = report_to_json(sample());
  j["schema_version"] = kReportSchemaVersion + 1;
  std::string error;
  EXPECT_FALSE(report_from_json(j, &error));
  EXPECT_NE(error.find("schema_version"), std::string::npos);
  EXPECT_FALSE(parse_json_text("{\"cells\": [", &error));
  auto k = report_to_json(sample());
  k["cells"][0].erase("day");
  EXPECT_FALSE(report_from_json(k, &error));
}

// Found by report_json_fuzz under UBSan: nlohmann's get<int>() casts 1.2e31 to int (undefined
// behaviour) and a negative count would wrap to a huge unsigned one.
TEST(ReportJson, RejectsCountsThatAreNotIntegersInRange) {
  using Pointer = nlohmann::json::json_pointer;
  const auto good = report_to_json(sample());
  ASSERT_TRUE(report_from_json(good, nullptr));
  std::size_t counted = 0;
  while (counted < good["cells"].size() && !good["cells"][counted].contains("requests")) ++counted;
  ASSERT_LT(counted, good["cells"].size());
  ASSERT_FALSE(good["top_domains"].empty());
  const std::string cell = "/cells/" + std::to_string(counted);
  const std::vector<std::pair<Pointer, nlohmann::json>> bad = {
      {Pointer("/privacy/k"), 1.2e31},
      {Pointer("/privacy/k"), -3},
      {Pointer("/privacy/k"), 10.5},
      {Pointer("/privacy/k"), 10.0},
      {Pointer("/privacy/k"), 1},  // below what the appliance itself accepts
      {Pointer("/privacy/k"), 65},
      {Pointer("/privacy/k"), true},
      {Pointer("/schools/0/privacy/k"), "10"},
      {Pointer(cell + "/requests"), -1},
      {Pointer(cell + "/requests"), 1e300},
      {Pointer(cell + "/requests"), std::uint64_t{1} << 53},  // sums would stop being exact
      {Pointer(cell + "/requests"), nullptr},
      {Pointer("/top_domains/0/suppressed_schools"), 1e10},
      {Pointer("/top_domains/0/suppressed_schools"), -1},
      {Pointer("/top_domains/0/suppressed_schools"), std::uint64_t{1} << 32},
      {Pointer("/schema_version"), 1.0},
  };
  for (const auto& [where, value] : bad) {
    auto j = good;
    j[where] = value;
    std::string error;
    EXPECT_FALSE(report_from_json(j, &error)) << where.to_string() << " = " << value.dump();
    EXPECT_FALSE(error.empty()) << where.to_string();
  }
  // The error says where: which cell, which key, what range.
  auto j = good;
  j[Pointer(cell + "/requests")] = -1;
  std::string error;
  ASSERT_FALSE(report_from_json(j, &error));
  EXPECT_EQ(error, "cells[" + std::to_string(counted) +
                       "]: 'requests' must be an integer from 0 to 9007199254740991, not -1");
  // The ends of each range are accepted.
  j = good;
  j[Pointer("/privacy/k")] = 64;
  j[Pointer("/schools/0/privacy/k")] = 2;
  j[Pointer(cell + "/requests")] = (std::uint64_t{1} << 53) - 1;
  j[Pointer("/top_domains/0/suppressed_schools")] = 4294967295u;
  EXPECT_TRUE(report_from_json(j, &error)) << error;
}

TEST(ReportJson, CanonicalBytesIgnoreTheSignatureAndWhitespace) {
  auto j = report_to_json(sample());
  const auto plain = canonical_bytes(j);
  j["signature"] = {{"value", "x"}};
  EXPECT_EQ(canonical_bytes(j), plain);
  const auto reparsed = parse_json_text(j.dump(2), nullptr);
  EXPECT_EQ(canonical_bytes(*reparsed), plain);
  EXPECT_NE(plain.find("Cờ bạc"), std::string::npos) << "UTF-8 kept as is";
  auto without = j;
  without.erase("signature");
  EXPECT_EQ(plain, without.dump()) << "exactly the compact sorted dump of the rest";
}

TEST(ReportCsv, BomCrlfAndRfc4180Quoting) {
  const auto csv = render_csv(sample());
  ASSERT_GE(csv.size(), 3u);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("\r\n"), std::string::npos);
  EXPECT_NE(csv.find("Trường THCS Nguyễn Du"), std::string::npos);
  EXPECT_NE(csv.find("Trò chơi trực tuyến"), std::string::npos);
  // The group name holds quotes and a comma: quoted, inner quotes doubled.
  EXPECT_NE(csv.find("\"THPT \"\"chuyên\"\", lớp 10–12\""), std::string::npos);
  EXPECT_NE(csv.find("2026-11-17,block,Bị chặn,Blocked,adult,Nội dung người lớn,Adult content,"
                     "thcs,THCS lớp 6–9,,1,0"),
            std::string::npos)
      << "a suppressed cell has an empty value";
}

TEST(ReportCsv, FieldQuotingRules) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
}

TEST(ReportHtml, SelfContainedBilingualWithSvgCharts) {
  const auto html = render_html(sample());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  int svgs = 0;
  for (auto p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) ++svgs;
  EXPECT_EQ(svgs, 3);
  for (const char* text :
       {"Yêu cầu bị chặn theo ngày", "Blocked requests per day", "per category", "per group",
        "Cờ bạc", "Gambling", "@media print", "THPT &quot;chuyên&quot;", "ẩn / suppressed"})
    EXPECT_NE(html.find(text), std::string::npos) << text;
  for (const char* banned : {"<script", "http://", "https://", "src=", "<link"}) {
    if (std::string_view(banned) == "http://") {
      // The only URL allowed is the SVG namespace name, which is never fetched.
      std::string copy = html;
      for (auto p = copy.find("http://www.w3.org/2000/svg"); p != std::string::npos;
           p = copy.find("http://www.w3.org/2000/svg"))
        copy.erase(p, 26);
      EXPECT_EQ(copy.find(banned), std::string::npos);
      continue;
    }
    EXPECT_EQ(html.find(banned), std::string::npos) << banned;
  }
}

}  // namespace
}  // namespace edugate::reporting
