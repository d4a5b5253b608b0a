// The enforcement adapter between a request and rules::decide(): judge_http, judge_connect and
// the warn pass, one behaviour per test in the manner of Envoy's rbac_filter_test.cc (a small
// rule set, one request, the verdict's every field that matters). The table of equivalent
// address and path forms is gate_normalisation_test.cpp.
#include "proxy/policy/gate.hpp"

#include <gtest/gtest.h>

#include "proxy/policy/warn_pass.hpp"
#include "rules/rule_set.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::proxy::policy {
namespace {

using rules::Action;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kDepartment = R"(
categories:
  - id: xau
    labels: {vi: "Xấu", en: "Harmful"}
    mandatory: true
    domains: [blocked.test]
  - id: mxh
    labels: {vi: "Mạng xã hội", en: "Social"}
    domains: [social.test]
profiles:
  thcs:
    warn: [mxh]
    safe_search: {enabled: true, youtube: strict}
)";
constexpr const char* kSchool = "default_group: {age: thcs}\n";

class Gate : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = rules::testing::load_yaml(kDepartment, kSchool);
    ASSERT_TRUE(loaded.rules) << rules::testing::all(loaded.diagnostics);
    rules_ = loaded.rules;
  }
  static void TearDownTestSuite() { rules_.reset(); }

  static constexpr auto kNow = std::chrono::system_clock::time_point(seconds(1795392000));

  HttpVerdict http(std::string_view host, std::string_view target, std::string_view cookie = {},
                   rules::Scheme scheme = rules::Scheme::http,
                   std::chrono::system_clock::time_point now = kNow, std::uint16_t port = 80) {
    HttpGateInput in;
    in.host = host;
    in.port = port;
    in.origin_form = target;
    in.cookie = cookie;
    in.now = now;
    in.scheme = scheme;
    return judge_http(*rules_, settings_, passes_, in);
  }
  /// The click token inside a warn verdict's continue link.
  static std::string click_token(const HttpVerdict& v) {
    const auto t = v.continue_url.find("?t=");
    const auto end = v.continue_url.find('&', t);
    return v.continue_url.substr(t + 3, end - t - 3);
  }

  static inline std::shared_ptr<const rules::RuleSet> rules_;
  const WarnPass passes_;
  const GateSettings settings_{"edugate.lan", minutes(10)};
};

TEST_F(Gate, AnAllowedRequestIsForwardedUntouched) {
  const auto v = http("Example.COM", "/a?b=1");
  EXPECT_EQ(v.outcome, HttpOutcome::forward);
  EXPECT_EQ(v.decision.action, Action::allow);
  EXPECT_EQ(v.host, "example.com");
  EXPECT_FALSE(v.safe_search);
  EXPECT_FALSE(v.carries_pass);
}

TEST_F(Gate, ABlockedHostIsBlockedWithItsCategory) {
  const auto v = http("www.blocked.test", "/x");
  EXPECT_EQ(v.outcome, HttpOutcome::block);
  EXPECT_EQ(v.decision.action, Action::block);
  EXPECT_EQ(rules_->category(v.decision.category).id, "xau");
  EXPECT_EQ(v.host, "www.blocked.test");
  EXPECT_EQ(v.at.weekday, 0);  // the decision carries its local time: a Monday
}

TEST_F(Gate, AWarnedHostGetsAContinueLinkBackToTheSamePath) {
  const auto v = http("social.test", "/p?q=1");
  ASSERT_EQ(v.outcome, HttpOutcome::warn);
  EXPECT_TRUE(v.continue_url.starts_with("http://social.test/.edugate/continue?t="))
      << v.continue_url;
  EXPECT_TRUE(v.continue_url.ends_with("&to=%2Fp%3Fq=1")) << v.continue_url;
  const auto tls = http("social.test", "/", {}, rules::Scheme::https, kNow, 443);
  EXPECT_TRUE(tls.continue_url.starts_with("https://social.test/.edugate/continue?t="))
      << tls.continue_url;
  const auto port = http("social.test", "/", {}, rules::Scheme::http, kNow, 8080);
  EXPECT_TRUE(port.continue_url.starts_with("http://social.test:8080/.edugate/"))
      << port.continue_url;
}

TEST_F(Gate, AValidClickTurnsIntoAPassCookieAndARedirect) {
  const auto warn = http("social.test", "/p");
  const auto token = click_token(warn);
  const auto v = http("social.test", "/.edugate/continue?t=" + token + "&to=%2Fp");
  ASSERT_EQ(v.outcome, HttpOutcome::warn_continue);
  EXPECT_EQ(v.continue_location, "/p");
  EXPECT_TRUE(passes_.valid(WarnPass::Purpose::cookie, v.pass_cookie, "social.test", kNow));
  // The pass is for social.test and lasts warn_pass_ttl.
  EXPECT_FALSE(passes_.valid(WarnPass::Purpose::cookie, v.pass_cookie, "other.test", kNow));
  EXPECT_FALSE(passes_.valid(WarnPass::Purpose::cookie, v.pass_cookie, "social.test",
                             kNow + minutes(10) + seconds(1)));
}

// The continue path on a warned host is edugate's. A click with a bad, expired or foreign token
// gets the warn page again: it must never reach the site (it used to be forwarded, so any
// request to /.edugate/continue?t=x went past the warning to the origin).
TEST_F(Gate, AContinueWithoutAValidClickIsWarnedAgainNeverForwarded) {
  const auto expired = passes_.issue(WarnPass::Purpose::click, "social.test", kNow - seconds(1));
  const auto other_host = passes_.issue(WarnPass::Purpose::click, "other.test", kNow + minutes(1));
  const auto cookie_purpose =
      passes_.issue(WarnPass::Purpose::cookie, "social.test", kNow + minutes(1));
  for (const std::string& t :
       {std::string("bogus"), std::string(), expired, other_host, cookie_purpose}) {
    const auto v = http("social.test", "/.edugate/continue?t=" + t + "&to=/secret");
    EXPECT_EQ(v.outcome, HttpOutcome::warn) << "token '" << t << "'";
    EXPECT_EQ(v.decision.action, Action::warn);
    EXPECT_FALSE(v.continue_url.empty());
    EXPECT_TRUE(v.pass_cookie.empty());
  }
  EXPECT_EQ(http("social.test", "/.edugate/continue").outcome, HttpOutcome::warn);
}

TEST_F(Gate, APassCookieLetsTheWarnedHostThroughAndIsMarkedForRemoval) {
  const auto pass = passes_.issue(WarnPass::Purpose::cookie, "social.test", kNow + minutes(5));
  const auto v = http("social.test", "/p", "a=1; edugate_pass=" + pass + "; b=2");
  EXPECT_EQ(v.outcome, HttpOutcome::forward);
  EXPECT_EQ(v.decision.action, Action::warn);  // still counted as a warn decision
  EXPECT_TRUE(v.carries_pass);
  // Not for another warned host's name, nor once expired, nor a click token used as a pass.
  EXPECT_EQ(http("www.social.test", "/", "edugate_pass=" + pass).outcome, HttpOutcome::warn);
  EXPECT_EQ(http("social.test", "/", "edugate_pass=" + pass, rules::Scheme::http, kNow + minutes(6))
                .outcome,
            HttpOutcome::warn);
  const auto click = passes_.issue(WarnPass::Purpose::click, "social.test", kNow + minutes(5));
  EXPECT_EQ(http("social.test", "/", "edugate_pass=" + click).outcome, HttpOutcome::warn);
}

TEST_F(Gate, OurCookieIsStrippedEvenWhereNoWarningApplies) {
  const auto v = http("example.com", "/", "edugate_pass=1.2");
  EXPECT_EQ(v.outcome, HttpOutcome::forward);
  EXPECT_TRUE(v.carries_pass);
}

TEST_F(Gate, APassNeverLiftsABlock) {
  const auto pass = passes_.issue(WarnPass::Purpose::cookie, "blocked.test", kNow + minutes(5));
  EXPECT_EQ(http("blocked.test", "/", "edugate_pass=" + pass).outcome, HttpOutcome::block);
}

TEST_F(Gate, ThePortalAndMalformedHostsAreEdugatesOwnBusiness) {
  EXPECT_EQ(http("EDUGATE.LAN.", "/bao-cao").outcome, HttpOutcome::portal);
  EXPECT_EQ(http("bad host", "/").outcome, HttpOutcome::bad_host);
  EXPECT_EQ(http("", "/").outcome, HttpOutcome::bad_host);
}

TEST_F(Gate, SearchEnginesGetTheirSafeSearchRewrite) {
  const auto v = http("www.google.com", "/search?q=x");
  EXPECT_EQ(v.outcome, HttpOutcome::forward);
  EXPECT_EQ(v.decision.action, Action::safe_search);
  ASSERT_TRUE(v.safe_search);
  EXPECT_EQ(v.safe_search->query_parameter, "safe=active");
  const auto yt = http("www.youtube.com", "/watch?v=1");
  ASSERT_TRUE(yt.safe_search);
  EXPECT_EQ(yt.safe_search->header_name, "YouTube-Restrict");
  EXPECT_EQ(yt.safe_search->header_value, "Strict");
}

TEST_F(Gate, ConnectIsDecidedOnTheHostAndOnTheSni) {
  EXPECT_EQ(
      judge_connect(*rules_, rules::kDefaultGroup, "example.com", 443, {}, kNow).decision.action,
      Action::allow);
  EXPECT_EQ(
      judge_connect(*rules_, rules::kDefaultGroup, "blocked.test", 443, {}, kNow).decision.action,
      Action::block);
  // Domain fronting: an allowed CONNECT host with a blocked SNI.
  EXPECT_EQ(judge_connect(*rules_, rules::kDefaultGroup, "example.com", 443, "Blocked.Test", kNow)
                .decision.action,
            Action::block);
  // An SNI that is no host name does not lift anything, nor block by itself.
  EXPECT_EQ(judge_connect(*rules_, rules::kDefaultGroup, "example.com", 443, "bad sni", kNow)
                .decision.action,
            Action::allow);
}

TEST_F(Gate, AConnectToAMalformedHostIsBlocked) {
  const auto v = judge_connect(*rules_, rules::kDefaultGroup, "bad host", 443, {}, kNow);
  EXPECT_TRUE(v.bad_host);
  EXPECT_EQ(v.decision.action, Action::block);
}

TEST_F(Gate, AConnectToASearchEngineGoesToItsSafeEndpoint) {
  const auto v = judge_connect(*rules_, rules::kDefaultGroup, "www.google.com", 443, {}, kNow);
  EXPECT_EQ(v.decision.action, Action::safe_search);
  EXPECT_EQ(v.host, "www.google.com");
  EXPECT_EQ(v.connect_host, "forcesafesearch.google.com");
  const auto plain = judge_connect(*rules_, rules::kDefaultGroup, "example.com", 443, {}, kNow);
  EXPECT_EQ(plain.connect_host, "example.com");
}

TEST(WarnPass, ATokenHoldsForItsPurposeHostAndTimeOnly) {
  const WarnPass passes;
  const auto now = std::chrono::system_clock::time_point(seconds(1795392000));
  const auto t = passes.issue(WarnPass::Purpose::cookie, "a.test", now + seconds(60));
  EXPECT_TRUE(passes.valid(WarnPass::Purpose::cookie, t, "a.test", now));
  EXPECT_TRUE(passes.valid(WarnPass::Purpose::cookie, t, "a.test", now + seconds(59)));
  EXPECT_FALSE(passes.valid(WarnPass::Purpose::cookie, t, "a.test", now + seconds(61)));
  EXPECT_FALSE(passes.valid(WarnPass::Purpose::click, t, "a.test", now));
  EXPECT_FALSE(passes.valid(WarnPass::Purpose::cookie, t, "b.test", now));
  // Another process's key (edugate restarted) and any tampering invalidate it.
  EXPECT_FALSE(WarnPass().valid(WarnPass::Purpose::cookie, t, "a.test", now));
  auto later = t;
  later[0] = later[0] == '9' ? '8' : static_cast<char>(later[0] + 1);  // a later expiry
  EXPECT_FALSE(passes.valid(WarnPass::Purpose::cookie, later, "a.test", now));
  auto mac = t;
  mac.back() = mac.back() == '0' ? '1' : '0';
  EXPECT_FALSE(passes.valid(WarnPass::Purpose::cookie, mac, "a.test", now));
  for (const char* junk : {"", ".", "1.", ".abc", "x.y", "99999999999999999999999.00"})
    EXPECT_FALSE(passes.valid(WarnPass::Purpose::cookie, junk, "a.test", now)) << junk;
}

}  // namespace
}  // namespace edugate::proxy::policy
