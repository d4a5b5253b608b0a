// libFuzzer target for the enforcement adapter (proxy/policy/gate): judge_http() and
// judge_connect() on what a pupil controls — the host, the request target and the Cookie
// header — through the real rules (a small in-memory rule set with block, warn and safe-search
// hosts). Input: byte 0 picks the scheme (bit 0) and whether the Cookie carries a genuine pass
// for social.test (bit 1) and the target a genuine click token for it (bit 2); the rest is
// "host\ntarget\ncookie". Besides "no crash, no UB" (a bare continue path once crashed the
// proxy), it checks the gate's promises on every input:
//  - a blocked decision is never forwarded; a warned one only with a valid pass for its host;
//  - a click on "continue" is honoured only with a genuine token, and its way back is a safe
//    same-site path (no CR/LF, no "//", no backslash);
//  - the continue link and the pass cookie are safe to write into a header.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "proxy/policy/gate.hpp"
#include "proxy/policy/warn_pass.hpp"
#include "rules/rule_set.hpp"
#include "tests/fuzz/proxy/fuzz_checks.hpp"
#include "tests/fuzz/proxy/fuzz_rules.hpp"

namespace {

using namespace edugate;
using fuzz::header_safe;
using fuzz::require;
using proxy::policy::HttpOutcome;
using proxy::policy::WarnPass;

constexpr const char* kDepartment = R"(
categories:
  - id: xau
    labels: {vi: x, en: x}
    mandatory: true
    domains: [blocked.test]
    urls: [allowed.test/forbidden]
    keywords: ["co bac"]
  - id: mxh
    labels: {vi: m, en: m}
    domains: [social.test]
profiles:
  thcs:
    warn: [mxh]
    safe_search: {enabled: true, youtube: strict}
)";
constexpr const char* kSchool = "default_group: {age: thcs}\n";

const rules::RuleSet& rule_set() {
  static const auto rules = fuzz::load_rules_from(kDepartment, kSchool);
  return *rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 16 * 1024) return 0;
  static const WarnPass passes;
  const proxy::policy::GateSettings settings{"edugate.lan", std::chrono::minutes(10)};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795392000));
  const rules::RuleSet& rules = rule_set();
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  const auto nl1 = input.find('\n');
  const auto nl2 = nl1 == std::string_view::npos ? nl1 : input.find('\n', nl1 + 1);
  const auto host = input.substr(0, nl1);
  std::string target(nl1 == std::string_view::npos ? std::string_view{}
                                                   : input.substr(nl1 + 1, nl2 - nl1 - 1));
  std::string cookie(nl2 == std::string_view::npos ? std::string_view{} : input.substr(nl2 + 1));
  if (data[0] & 2)
    cookie += "; edugate_pass=" +
              passes.issue(WarnPass::Purpose::cookie, "social.test", now + std::chrono::minutes(1));
  if (data[0] & 4)
    target += "&t=" +
              passes.issue(WarnPass::Purpose::click, "social.test", now + std::chrono::minutes(1));

  proxy::policy::HttpGateInput in;
  in.host = host;
  in.origin_form = target;
  in.cookie = cookie;
  in.now = now;
  in.scheme = (data[0] & 1) ? rules::Scheme::https : rules::Scheme::http;
  in.port = (data[0] & 1) ? 443 : 80;
  const auto v = proxy::policy::judge_http(rules, settings, passes, in);
  switch (v.outcome) {
    case HttpOutcome::forward:
      require(v.decision.action != rules::Action::block);
      if (v.decision.action == rules::Action::warn) {
        require(v.carries_pass);
        require(passes.valid(WarnPass::Purpose::cookie,
                             proxy::policy::cookie_value(cookie, proxy::policy::kPassCookie),
                             v.host, now));
      }
      break;
    case HttpOutcome::block:
      require(v.decision.action == rules::Action::block);
      break;
    case HttpOutcome::warn:
      require(v.decision.action == rules::Action::warn);
      require(header_safe(v.continue_url));
      break;
    case HttpOutcome::warn_continue:
      require(v.decision.action == rules::Action::warn && v.host == "social.test");
      require(data[0] & 4);  // only a genuine click token opens the way
      require(header_safe(v.continue_location) && header_safe(v.pass_cookie));
      require(v.continue_location.starts_with("/") && !v.continue_location.starts_with("//"));
      require(v.continue_location.find('\\') == std::string::npos);
      require(passes.valid(WarnPass::Purpose::cookie, v.pass_cookie, "social.test", now));
      break;
    case HttpOutcome::portal:
      require(v.host == "edugate.lan");
      break;
    case HttpOutcome::bad_host:
      break;
  }

  const auto c = proxy::policy::judge_connect(rules, rules::kDefaultGroup, host, 443, cookie, now);
  if (c.bad_host) require(c.decision.action == rules::Action::block);
  require(!c.connect_host.empty() || c.bad_host);
  return 0;
}
