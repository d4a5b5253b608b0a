// A pupil's report reaches the school and the department: reports from several devices make the
// review list (`edugate review list`, the status page) with distinct-device counts and never an
// address; `edugate review block|allow|dismiss` change the rules through rules/review.yaml and
// reload the running edugate; the weekly JSON/CSV/HTML list the reported domains.

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {
namespace {

class Review : public ::testing::Test {
 protected:
  EnforcementSetup setup;
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin), setup.options()};
  /// The same config with the admin listener's real port, for the CLI (which reaches the
  /// running edugate there to ask for a reload).
  std::filesystem::path cli_config = [this] {
    std::string text = setup.config(origin);
    const std::string any = "admin: {address: 127.0.0.1:0}";
    const auto at = text.find(any);
    if (at != std::string::npos)
      text.replace(at, any.size(), "admin: {address: " + edugate.admin().authority() + "}");
    return setup.dir.write("cli.yaml", text);
  }();

  CommandResult cli(std::vector<std::string> args) {
    args.insert(args.begin(), edugate_binary());
    args.insert(args.end(), {"--config", cli_config.string()});
    return run_command(std::move(args), milliseconds(30000));
  }

  CommandResult list(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"review", "list", "--week", "2026-W48"};
    args.insert(args.end(), extra.begin(), extra.end());
    return cli(std::move(args));
  }

  /// The review list's line for `domain`, or "".
  std::string line_of(const std::string& out, const std::string& domain) {
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with(domain + " ")) return line;
    return {};
  }

  void report(int device, const std::string& fields) {
    const auto r = send_report(edugate, "127.0.0." + std::to_string(device), fields);
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_NE(r.body.find("Cảm ơn em"), std::string::npos) << r.body;
  }

  /// Waits for the flusher (1 s) to have stored every report.
  void wait_until_listed(const std::string& domain) {
    for (int i = 0; i < 100; ++i) {
      if (!line_of(list().out, domain).empty()) return;
      std::this_thread::sleep_for(milliseconds(100));
    }
    FAIL() << domain << " never reached the review list:\n" << list().out << edugate.log();
  }
};

TEST_F(Review, ReportsFromSeveralDevicesReachTheListTheRulesAndTheWeeklyReport) {
  for (int device : {2, 3, 4}) report(device, "domain=https%3A%2F%2Fbad.test%2Fpage&kind=harmful");
  report(2, "domain=bad.test&kind=harmful");  // the same device again: not a new device
  report(5, "domain=lonely.test&kind=harmful");
  report(6, "domain=solo.test&kind=harmful");
  for (int device : {2, 7}) report(device, "domain=blocked.test&kind=wrongly-blocked&cat=xau");
  for (int device : {8, 9}) report(device, "domain=social.test&kind=wrongly-blocked");
  wait_until_listed("social.test");

  auto r = list();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("5 reported domain(s)"), std::string::npos) << r.out;
  EXPECT_TRUE(std::regex_search(line_of(r.out, "bad.test"), std::regex("harmful +3 +1 +- +new")))
      << r.out;
  EXPECT_TRUE(std::regex_search(line_of(r.out, "lonely.test"), std::regex("harmful +1 +1")))
      << r.out;
  EXPECT_TRUE(std::regex_search(line_of(r.out, "blocked.test"),
                                std::regex("wrongly-blocked +2 +1 +xau \\(mandatory\\) +new")))
      << r.out;
  EXPECT_TRUE(
      std::regex_search(line_of(r.out, "social.test"), std::regex("wrongly-blocked +2 +1 +mxh")))
      << r.out;
  // Harmful first.
  EXPECT_LT(r.out.find("bad.test"), r.out.find("blocked.test")) << r.out;
  EXPECT_EQ(r.out.find("127.0.0"), std::string::npos) << "an address in the list:\n" << r.out;

  // The status page shows the same list.
  const auto status = curl_http({edugate.admin().url() + "/"});
  EXPECT_NE(status.body.find("id=\"review\""), std::string::npos) << status.body;
  EXPECT_NE(status.body.find("<td>bad.test</td>"), std::string::npos) << status.body;
  EXPECT_EQ(status.body.find("127.0.0"), std::string::npos);

  // A mandatory category cannot be lifted; an unknown category changes nothing.
  r = cli({"review", "allow", "blocked.test"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in a mandatory category (xau;"), std::string::npos) << r.err;
  r = cli({"review", "allow", "github.io"});  // every site under it would open
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("github.io is a public suffix"), std::string::npos) << r.err;
  r = cli({"review", "block", "bad.test", "--category", "no-such"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown category \"no-such\" (known: xau, tro-choi, mxh"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(setup.dir.path() / "review.yaml"));

  // block: the running edugate reloads and blocks it.
  EXPECT_NE(via(edugate, {"http://bad.test/"}).status, 403);
  r = cli({"review", "block", "bad.test", "--category", "tro-choi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("edugate reloaded"), std::string::npos) << r.out << r.err;
  auto page = via(edugate, {"http://bad.test/"});
  EXPECT_EQ(page.status, 403);
  EXPECT_NE(page.body.find("Online games"), std::string::npos) << page.body;
  const auto yaml = read_file(setup.dir.path() / "review.yaml");
  EXPECT_TRUE(std::regex_search(
      yaml,
      std::regex(
          R"(\nblock:\n  - \{domain: "bad.test", category: "tro-choi", on: "\d{4}-\d\d-\d\d"\}\n)")))
      << yaml;
  EXPECT_EQ(metric(edugate, "edugate_rules_reloads_total"), 1);

  // allow for the group: the warning on social.test goes.
  EXPECT_EQ(via(edugate, {"http://social.test/bytes/3"}).status, 403);  // the warn page
  r = cli({"review", "allow", "social.test", "--group", "hoc-sinh"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(via(edugate, {"http://social.test/bytes/3"}).status, 200);

  // dismiss: off the list (until reported again), still there with --all.
  r = cli({"review", "dismiss", "lonely.test"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(line_of(list().out, "lonely.test").empty()) << list().out;
  EXPECT_FALSE(line_of(list({"--all"}).out, "lonely.test").empty());
  // Decided domains leave the list until reported again; --all shows them with the decision.
  EXPECT_TRUE(line_of(list().out, "bad.test").empty()) << list().out;
  EXPECT_NE(line_of(list({"--all"}).out, "bad.test").find("blocked in tro-choi"),
            std::string::npos);
  r = cli({"review", "dismiss", "bad.test"});
  EXPECT_EQ(r.exit_code, 1) << "a dismissal would undo the block";
  EXPECT_NE(r.err.find("already decided (block)"), std::string::npos) << r.err;
  r = cli({"review", "block", "solo.test", "--category", "tro-choi", "--no-reload"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  // The weekly report: domains 2+ devices reported, or that the school confirmed.
  const auto json_path = setup.dir.path() / "week.json";
  r = cli({"report", "weekly", "--week", "2026-W48", "-o", json_path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto json = read_file(json_path);
  const std::regex bad(R"(\{\s*"devices": 3,\s*"domain": "bad.test",\s*"kind": "harmful"\s*\})");
  EXPECT_TRUE(std::regex_search(json, bad)) << json;
  const std::regex blocked(
      R"(\{\s*"devices": 2,\s*"domain": "blocked.test",\s*"kind": "wrongly-blocked"\s*\})");
  EXPECT_TRUE(std::regex_search(json, blocked)) << json;
  const std::regex solo(R"(\{\s*"devices": 1,\s*"domain": "solo.test",\s*"kind": "harmful"\s*\})");
  EXPECT_TRUE(std::regex_search(json, solo)) << "confirmed by the school\n" << json;
  EXPECT_EQ(json.find("lonely.test"), std::string::npos) << "one device, not confirmed";
  EXPECT_EQ(json.find("127.0.0"), std::string::npos);

  const auto csv_path = setup.dir.path() / "week.csv";
  r = cli({"report", "weekly", "--week", "2026-W48", "-o", csv_path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto csv = read_file(csv_path);
  EXPECT_NE(csv.find("reported_domain,kind,kind_vi,kind_en,devices,schools"), std::string::npos)
      << csv;
  EXPECT_NE(csv.find("bad.test,harmful,Có hại,Harmful,3,1"), std::string::npos) << csv;

  const auto html_path = setup.dir.path() / "week.html";
  r = cli({"report", "weekly", "--week", "2026-W48", "-o", html_path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto html = read_file(html_path);
  const auto harmful = html.find("Sites pupils reported as harmful");
  ASSERT_NE(harmful, std::string::npos) << html;
  EXPECT_LT(harmful, html.find("Blocked requests per day")) << "harmful reports come first";
  EXPECT_NE(html.find("<td>bad.test</td>", harmful), std::string::npos) << html;
}

// POST /reload is an operator's action: a page's form (no X-Edugate-Action, as a browser sends
// it cross-site) and a pupil through the proxy are refused; a reload of the same files keeps
// the set in force.
TEST_F(Review, OnlyAnOperatorOnTheBoxCanAskForAReload) {
  const auto url = edugate.admin().url() + "/reload";
  auto r = curl_http({"-X", "POST", "-H", "Origin: http://evil.example", url});
  EXPECT_EQ(r.status, 403) << r.body;
  r = via(edugate, {"-X", "POST", "-H", "X-Edugate-Action: reload", url});
  EXPECT_NE(r.status, 202) << "reached through the proxy";
  EXPECT_EQ(metric(edugate, "edugate_rules_reloads_total"), 0);
  r = curl_http({"-X", "POST", "-H", "X-Edugate-Action: reload", url});
  EXPECT_EQ(r.status, 202) << r.body;
  for (int i = 0; i < 100 && metric(edugate, "edugate_rules_reloads_total") < 1; ++i)
    std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(metric(edugate, "edugate_rules_reloads_total"), 1);
  EXPECT_NE(edugate.log().find("unchanged: the set in force stays"), std::string::npos)
      << edugate.log();
}

// A hand-broken review file is refused by the loader (file:line:col) and the old rules keep
// serving; the CLI refuses to build on it.
TEST_F(Review, ABrokenReviewFileKeepsTheOldRulesServing) {
  setup.dir.write("review.yaml", "block:\n  - {domain: \"not a domain\", category: tro-choi}\n");
  const auto r = cli({"review", "dismiss", "x.test"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("review.yaml:2:14: \"not a domain\" is not a domain"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the rules on disk do not load"), std::string::npos) << r.err;
  ::kill(edugate.process().pid(), SIGHUP);
  for (int i = 0; i < 100 && metric(edugate, "edugate_rules_reload_failures_total") < 1; ++i)
    std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(metric(edugate, "edugate_rules_reload_failures_total"), 1);
  EXPECT_EQ(via(edugate, {"http://blocked.test/"}).status, 403);  // still filtering
}

}  // namespace
}  // namespace edugate::itest
