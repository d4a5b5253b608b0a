// The anonymous report form, attacked: one device flooding it (50,000 reports in a second used to
// grow the store from kilobytes to 13 MB and the published figure with it), another website
// making visiting pupils' browsers file reports (cross-site request forgery), a GET link that
// counted a report, and the form's choice thrown away. Reports are counted once per device,
// domain and day, at most three a day per device, only from the portal's own form; the kind is
// kept; published figures are distinct devices.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {
namespace {

class PortalAttacks : public ::testing::Test {
 protected:
  EnforcementSetup setup;
  TestOrigin origin;
  std::unique_ptr<EdugateProcess> edugate = start();

  std::unique_ptr<EdugateProcess> start() {
    auto config = setup.config(origin);
    config += "  k: 2\n";  // the reporting section is last: small cells are published here
    return std::make_unique<EdugateProcess>(config, setup.options());
  }

  /// SUM(requests) per action and category of the events in the store, after a clean stop.
  std::string stored_events() {
    EXPECT_EQ(edugate->process().terminate(), 0);
    const auto r =
        run_command({"sqlite3", (setup.dir.path() / "edugate.db").string(),
                     "SELECT action, category, SUM(requests) FROM hourly WHERE action IN "
                     "('site_report', 'review_request') GROUP BY 1, 2 ORDER BY 1, 2"},
                    milliseconds(10000));
    return r.out;
  }

  HttpReply post(const std::string& client, const std::string& fields,
                 std::vector<std::string> headers) {
    std::vector<std::string> args = {"--interface", client, "--data", fields};
    for (auto& h : headers) args.insert(args.end(), {"-H", h});
    args.push_back("http://edugate.lan/bao-cao");
    return via(*edugate, args);
  }
};

TEST_F(PortalAttacks, OneDeviceFloodingCountsOncePerDomainAndThreeADay) {
  const auto form = via(*edugate, {"--interface", "127.0.0.2", "http://edugate.lan/bao-cao"});
  const auto token = form_token(form.body);
  ASSERT_FALSE(token.empty()) << form.body;
  // The same domain 100 times, then 20 others: the token is the device's for the whole day.
  for (int i = 0; i < 120; ++i) {
    const auto domain = i < 100 ? std::string("flood.test") : "flood" + std::to_string(i) + ".test";
    const auto r = post("127.0.0.2", "domain=" + domain + "&kind=harmful&token=" + token,
                        {"Origin: http://edugate.lan"});
    ASSERT_EQ(r.status, 200) << i << r.body;
  }
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_total"), 3);
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_not_counted_total"), 117);
  EXPECT_NE(post("127.0.0.2", "domain=one-more.test&kind=harmful&token=" + token,
                 {"Origin: http://edugate.lan"})
                .body.find("đủ số báo cáo"),
            std::string::npos);
  // Another device is not held back by the first one's flood.
  EXPECT_EQ(send_report(*edugate, "127.0.0.3", "domain=flood.test&kind=harmful").status, 200);
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_total"), 4);
  EXPECT_EQ(stored_events(), "site_report||4\n");
}

TEST_F(PortalAttacks, OtherWebsitesCannotFileReportsForVisitingPupils) {
  const auto form = via(*edugate, {"--interface", "127.0.0.2", "http://edugate.lan/bao-cao"});
  const auto token = form_token(form.body);
  ASSERT_FALSE(token.empty());
  const std::string fields = "domain=victim.test&kind=harmful&token=" + token;
  // A page on another site posting the form: its own Origin (or "null" from a sandbox), or a
  // Referer on another site, or neither header.
  for (const auto& headers :
       std::vector<std::vector<std::string>>{{"Origin: http://evil.example"},
                                             {"Origin: null"},
                                             {"Origin: http://edugate.lan.evil.example"},
                                             {"Referer: http://evil.example/page"},
                                             {}}) {
    const auto r = post("127.0.0.2", fields, headers);
    EXPECT_EQ(r.status, 403) << (headers.empty() ? "no header" : headers[0]);
  }
  // No token, a made-up one, or another device's: refused too.
  EXPECT_EQ(
      post("127.0.0.2", "domain=victim.test&kind=harmful", {"Origin: http://edugate.lan"}).status,
      403);
  EXPECT_EQ(post("127.0.0.2", "domain=victim.test&kind=harmful&token=" + std::string(64, 'a'),
                 {"Origin: http://edugate.lan"})
                .status,
            403);
  EXPECT_EQ(post("127.0.0.3", fields, {"Origin: http://edugate.lan"}).status, 403);
  // A link (GET) counts nothing, whatever it says.
  EXPECT_EQ(via(*edugate, {"--interface", "127.0.0.2",
                           "http://edugate.lan/bao-cao?domain=victim.test&loai=xem-lai&cat=xau"})
                .status,
            200);
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_refused_total"), 8);
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_total"), 0);
  // The portal's own form, sent with only a Referer (some browsers omit Origin), is taken.
  EXPECT_EQ(post("127.0.0.2", fields, {"Referer: http://edugate.lan/bao-cao"}).status, 200);
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_total"), 1);
  EXPECT_EQ(stored_events(), "site_report||1\n");
}

TEST_F(PortalAttacks, TheKindIsKeptAndTheFormOffersOneChoice) {
  auto checked = [](const std::string& page) {
    std::string out;
    const std::regex re("value=\"(harmful|wrongly-blocked)\" (checked)?");
    for (auto it = std::sregex_iterator(page.begin(), page.end(), re); it != std::sregex_iterator();
         ++it)
      if ((*it)[2].matched) out += (*it)[1].str() + " ";
    return out;
  };
  EXPECT_EQ(checked(via(*edugate, {"http://edugate.lan/bao-cao"}).body), "harmful ");
  const auto review =
      via(*edugate, {"http://edugate.lan/bao-cao?domain=blocked.test&loai=xem-lai&cat=xau"});
  EXPECT_EQ(checked(review.body), "wrongly-blocked ");
  EXPECT_NE(review.body.find("name=\"cat\" value=\"xau\""), std::string::npos);
  EXPECT_EQ(
      send_report(*edugate, "127.0.0.2", "domain=blocked.test&kind=wrongly-blocked&cat=xau").status,
      200);
  EXPECT_EQ(send_report(*edugate, "127.0.0.3", "domain=bad.test&kind=harmful").status, 200);
  EXPECT_EQ(stored_events(), "review_request|xau|1\nsite_report||1\n");
}

TEST_F(PortalAttacks, PublishedFiguresAreDistinctDevices) {
  for (const char* client : {"127.0.0.2", "127.0.0.3", "127.0.0.4"})
    for (const char* domain : {"a.test", "b.test", "c.test", "d.test"})
      send_report(*edugate, client, std::string("domain=") + domain + "&kind=harmful");
  EXPECT_EQ(metric(*edugate, "edugate_portal_reports_total"), 9);  // three per device
  ASSERT_EQ(edugate->process().terminate(), 0);
  const auto json = weekly_json(*edugate, setup);
  // Nine reports were counted, by three devices: the figure published is three.
  const std::regex cell(
      "\\{[^{}]*\"action\": \"site_report\"[^{}]*\"category\": \"\\*\"[^{}]*\"group\": "
      "\"\\*\"[^{}]*\\}");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(json, m, cell)) << json;
  EXPECT_NE(m[0].str().find("\"requests\": 3"), std::string::npos) << m[0];
}

}  // namespace
}  // namespace edugate::itest
