// The domains pupils reported: distinct devices per day from the store's cells, never requests;
// what the weekly report publishes of them, and how a merge sums them.
#include "reporting/site_reports.hpp"

#include <gtest/gtest.h>

#include "report_fixture.hpp"
#include "reporting/merge.hpp"
#include "reporting/report_builder.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/review_list.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting {
namespace {

constexpr LocalDay kMonday = 20416;  // 2025-11-24, a Monday

StoreExtract reported() {
  StoreExtract data;
  auto cell = [&](LocalDay day, std::string category, std::string action, std::string domain,
                  std::uint64_t devices) {
    data.devices[{day, "*", std::move(category), std::move(action), std::move(domain)}] = devices;
  };
  cell(kMonday, "?", "site_report", "bad.example", 3);
  cell(kMonday + 2, "?", "site_report", "bad.example", 5);  // 5 on one day: the figure
  cell(kMonday, "?", "site_report", "lonely.example", 1);
  // A review request is kept per blocked category; one device reports a domain once a day.
  cell(kMonday, "games", "review_request", "maths.example", 1);
  cell(kMonday, "social", "review_request", "maths.example", 1);
  // Not reports: a block's domain list, a per-group cell, another week.
  cell(kMonday, "games", "block", "roblox.com", 40);
  data.devices[{kMonday, "thcs", "?", "site_report", "bad.example"}] = 9;
  cell(kMonday + 7, "?", "site_report", "bad.example", 30);
  return data;
}

TEST(SiteReports, CountTheMostDevicesOnOneDayPerDomainAndKind) {
  const auto list = site_reports(reported(), {kMonday, kMonday + 6});
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].domain, "bad.example");  // harmful first, most devices first
  EXPECT_EQ(list[0].kind, "harmful");
  EXPECT_EQ(list[0].devices, 5u);
  EXPECT_EQ(list[0].days, 2);
  EXPECT_EQ(list[0].last_day, kMonday + 2);
  EXPECT_EQ(list[1].domain, "lonely.example");
  EXPECT_EQ(list[2].domain, "maths.example");
  EXPECT_EQ(list[2].kind, "wrongly-blocked");
  EXPECT_EQ(list[2].devices, 2u);
}

TEST(SiteReports, TheReportListsTwoDevicesOrWhatTheSchoolConfirmed) {
  ReportRequest request = testing::sample_request();
  request.period = {kMonday, kMonday + 6};
  auto report = build_report(reported(), request);
  ASSERT_EQ(report.site_reports.size(), 2u);
  EXPECT_EQ(report.site_reports[0].domain, "bad.example");
  EXPECT_EQ(report.site_reports[1].domain, "maths.example");
  request.confirmed_domains = {"lonely.example"};
  report = build_report(reported(), request);
  ASSERT_EQ(report.site_reports.size(), 3u);
  EXPECT_EQ(report.site_reports[1].domain, "lonely.example");
  EXPECT_EQ(report.site_reports[1].devices, 1u);
  request.dismissed_domains = {{"maths.example", kMonday}, {"bad.example", kMonday}};
  const auto dismissed = build_report(reported(), request);
  ASSERT_EQ(dismissed.site_reports.size(), 2u) << "maths.example withheld by the school";
  EXPECT_EQ(dismissed.site_reports[0].domain, "bad.example") << "reported again after";
  const auto j = report_to_json(report);
  EXPECT_EQ(j["site_reports"][0],
            (nlohmann::json{{"domain", "bad.example"}, {"kind", "harmful"}, {"devices", 5}}));
  const auto back = report_from_json(j, nullptr);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->site_reports.size(), 3u);
}

TEST(SiteReports, AMergeSumsDevicesAndCountsSchools) {
  KeyDirectory keys;
  std::vector<MergeInput> inputs;
  for (const char* id : {"school-a", "school-b"}) {
    auto key = generate_ed25519(nullptr);
    ReportRequest request = testing::sample_request();
    request.school_id = id;
    request.period = {kMonday, kMonday + 6};
    auto j = report_to_json(build_report(reported(), request));
    ASSERT_TRUE(sign_report(j, key.get(), nullptr));
    keys.add(id, load_public_key(public_key_base64(key.get()), nullptr));
    inputs.push_back({id, std::move(j)});
  }
  const auto out = merge_reports(inputs, keys, {});
  ASSERT_TRUE(out.report);
  ASSERT_EQ(out.report->site_reports.size(), 2u);
  EXPECT_EQ(out.report->site_reports[0].devices, 10u);
  EXPECT_EQ(out.report->site_reports[0].schools, 2u);
}

TEST(SiteReports, AHostileReportIsRefusedNotBelieved) {
  ReportRequest request = testing::sample_request();
  request.period = {kMonday, kMonday + 6};
  auto j = report_to_json(build_report(reported(), request));
  auto bad = j;
  bad["site_reports"][0]["kind"] = "<script>";
  EXPECT_FALSE(report_from_json(bad, nullptr));
  bad = j;
  bad["site_reports"][0]["devices"] = 1'000'000'000'000LL;
  EXPECT_FALSE(report_from_json(bad, nullptr));
  bad = j;
  bad["site_reports"] = nlohmann::json::array();
  for (int i = 0; i < 501; ++i)
    bad["site_reports"].push_back({{"domain", "a.example"}, {"kind", "harmful"}, {"devices", 2}});
  EXPECT_FALSE(report_from_json(bad, nullptr));
  j.erase("site_reports");  // a report from before site reports
  EXPECT_TRUE(report_from_json(j, nullptr));
}

TEST(ReviewList, HidesDecidedDomainsUntilTheyAreReportedAgain) {
  rules::ReviewFile file;
  file.put({rules::ReviewDecision::Kind::dismiss, "bad.example", "", "", "2025-11-25"});
  file.put({rules::ReviewDecision::Kind::dismiss, "lonely.example", "", "", "2025-11-24"});
  file.put({rules::ReviewDecision::Kind::block, "maths.example", "games", "", "2025-11-24"});
  const auto items = review_list(reported(), {kMonday, kMonday + 6}, nullptr, file);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].report.domain, "bad.example");  // reported again on Wednesday
  const auto all = review_list(reported(), {kMonday, kMonday + 6}, nullptr, file, true);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].report.domain, "maths.example");
  ASSERT_TRUE(all[2].decision);
  EXPECT_EQ(all[2].decision->category, "games");
  EXPECT_EQ(confirmed_domains(file), (std::set<std::string>{"maths.example"}));
}

}  // namespace
}  // namespace edugate::reporting
