// Every way of writing the same destination meets the same rule: the gate (judge_http,
// judge_connect) normalises host and path before rules::decide(). A table of the forms a pupil
// can write a blocked address or path in, each of which must still be blocked, and of near
// misses that must not.
#include <gtest/gtest.h>

#include "proxy/policy/gate.hpp"
#include "proxy/policy/warn_pass.hpp"
#include "rules/rule_set.hpp"
#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::proxy::policy {
namespace {

constexpr const char* kDepartment = R"(
categories:
  - id: xau
    labels: {vi: "Xấu", en: "Harmful"}
    mandatory: true
    domains: [blocked.test, 192.0.2.7]
    urls: [site.test/admin]
profiles:
  thcs: {}
)";
constexpr const char* kSchool = "default_group: {age: thcs}\n";

class GateNormalisation : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = rules::testing::load_yaml(kDepartment, kSchool);
    ASSERT_TRUE(loaded.rules) << rules::testing::all(loaded.diagnostics);
    rules_ = loaded.rules;
  }
  static void TearDownTestSuite() { rules_.reset(); }

  static constexpr auto kNow =
      std::chrono::system_clock::time_point(std::chrono::seconds(1795392000));

  static rules::Decision http_decision(std::string_view host, std::string_view target) {
    HttpGateInput in;
    in.host = host;
    in.origin_form = target;
    in.port = 80;
    in.now = kNow;
    return judge_http(*rules_, {"edugate.lan", std::chrono::minutes(10)}, passes_, in).decision;
  }
  static rules::Decision connect_decision(std::string_view host, std::string_view sni = {}) {
    return judge_connect(*rules_, rules::kDefaultGroup, host, 443, sni, kNow).decision;
  }
  /// The category that decided ("-" for none): the group also blocks bare IP addresses, so an
  /// address's block alone does not say which rule matched.
  static std::string category(const rules::Decision& d) {
    return d.category == rules::kNoCategory ? "-" : rules_->category(d.category).id;
  }
  static std::string http_category(std::string_view host, std::string_view target) {
    return category(http_decision(host, target));
  }
  static std::string connect_category(std::string_view host) {
    return category(connect_decision(host));
  }
  static rules::Action http(std::string_view host, std::string_view target) {
    return http_decision(host, target).action;
  }
  static rules::Action connect(std::string_view host, std::string_view sni = {}) {
    return connect_decision(host, sni).action;
  }

  static inline std::shared_ptr<const rules::RuleSet> rules_;
  static inline WarnPass passes_;
};

using rules::Action;

TEST_F(GateNormalisation, EveryFormOfABlockedIpv4AddressIsBlocked) {
  for (const char* host :
       {"192.0.2.7", "3221225991", "0xc0000207", "0300.0.2.7", "192.0.519", "[::ffff:192.0.2.7]",
        "[::ffff:c000:207]", "[::192.0.2.7]", "[64:ff9b::192.0.2.7]", "[64:ff9b::c000:207]",
        "[64:ff9b:1:c000:2:700::]", "[2002:c000:207::1]", "192.0.2.7."}) {
    EXPECT_EQ(http(host, "/"), Action::block) << host;
    EXPECT_EQ(http_category(host, "/"), "xau") << host;
    EXPECT_EQ(connect(host), Action::block) << host;
    EXPECT_EQ(connect_category(host), "xau") << host;
  }
  // Its neighbour is only a bare IP address (blocked for pupils, but not as "xau").
  for (const char* host : {"192.0.2.8", "[::ffff:192.0.2.8]", "[64:ff9b::c000:208]"})
    EXPECT_NE(http_category(host, "/"), "xau") << host;
}

TEST_F(GateNormalisation, EveryFormOfABlockedPathIsBlocked) {
  for (const char* target :
       {"/admin", "/admin/", "/admin/x?y=1", "//admin", "///admin//x", "/x/../admin",
        "/x/./../admin", "/%61dmin", "/%61%64%6D%69%6E", "/./admin", "/x/%2e%2e/admin",
        "/x/%2E%2E/admin", "\\admin", "/x\\..\\admin", "/x//..//admin"}) {
    EXPECT_EQ(http("site.test", target), Action::block) << target;
    EXPECT_EQ(http("SITE.test.", target), Action::block) << target;
  }
  // Not the same resource: an escaped slash is part of a segment, a longer name is another.
  for (const char* target : {"/", "/administrator", "/x/admin", "/%2fadmin"})
    EXPECT_EQ(http("site.test", target), Action::allow) << target;
}

TEST_F(GateNormalisation, EveryFormOfABlockedNameIsBlocked) {
  for (const char* host : {"blocked.test", "BLOCKED.test", "blocked.test.", "www.blocked.test"}) {
    EXPECT_EQ(http(host, "/"), Action::block) << host;
  }
  EXPECT_EQ(connect("allowed.test", "blocked.test"), Action::block);  // SNI behind another host
}

}  // namespace
}  // namespace edugate::proxy::policy
