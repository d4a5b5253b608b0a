// libFuzzer target: from ClientHello bytes to the inspect/tunnel decision, through the real
// rules (a small in-memory rule set with a group per inspection mode), judge_connect(),
// connect_facts(), judge_hello() and plan_tunnel(). Input: byte 0 picks the group (bits 0-1)
// and the CONNECT host (bits 2-4), byte 1 which names are "remembered" as refusing inspection
// (bit 0: the CONNECT host, bit 1: the SNI), the rest is what the client sent after the 200.
// Besides "no crash, no UB", it checks the promises inspection makes on every input:
//  - a group in mode none never gets its TLS terminated;
//  - a tunnel whose CONNECT host is exempt (category or domain) or remembered, and whose SNI
//    names no other host, is never decrypted (an exempt SNI behind another host exempts
//    nothing: that was a way around inspection);
//  - in an inspecting group, bytes that start like TLS but are no readable ClientHello are
//    closed, never passed through;
//  - a blocked CONNECT host or SNI never reaches the origin (no pass_through, no inspect);
//  - inspect only in mode all, on a complete ClientHello, for a non-empty name.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "proxy/inspect/tunnel_judge.hpp"
#include "rules/rule_set.hpp"
#include "tests/fuzz/proxy/fuzz_rules.hpp"

namespace {

using namespace edugate;
using proxy::inspect::TunnelStep;

constexpr const char* kDepartment = R"(
categories:
  - id: xau
    labels: {vi: x, en: x}
    mandatory: true
    domains: [blocked.test]
    urls: [allowed.test/forbidden]
  - id: ngan-hang
    labels: {vi: b, en: b}
    domains: [bank.test]
  - id: mxh
    labels: {vi: m, en: m}
    domains: [social.test]
profiles:
  thcs:
    warn: [mxh]
    inspect: all
    inspect_exempt: {categories: [ngan-hang], domains: [exempt.test]}
  thpt:
    inspect: blocked-only
    inspect_exempt: {categories: [ngan-hang]}
)";

constexpr const char* kSchool = R"(
groups:
  - {id: all, labels: {vi: a, en: a}, age: thcs, networks: [10.1.0.0/16]}
  - {id: only, labels: {vi: o, en: o}, age: thpt, networks: [10.2.0.0/16]}
default_group: {labels: {vi: d, en: d}, age: staff}
)";

constexpr std::array<const char*, 8> kHosts = {"allowed.test",   "blocked.test", "bank.test",
                                               "www.bank.test",  "social.test",  "127.0.0.1",
                                               "WWW.Google.com", "exempt.test"};

void require(bool condition) {
  if (!condition) std::abort();
}

const rules::RuleSet& rule_set() {
  static const auto rules = fuzz::load_rules_from(kDepartment, kSchool);
  return *rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2 || size > 70 * 1024) return 0;
  const rules::RuleSet& rules = rule_set();
  const auto group = *rules.find_group((data[0] & 3) == 0   ? "all"
                                       : (data[0] & 3) == 1 ? "only"
                                                            : "default");
  const std::string connect_host = kHosts[(data[0] >> 2) & 7];
  const bool host_remembered = data[1] & 1, sni_remembered = data[1] & 2;
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795392000));
  const auto host = proxy::policy::judge_connect(rules, group, connect_host, 443, {}, now);
  const proxy::inspect::RememberedHost remembered = [&](std::string_view name) {
    return name == host.host ? host_remembered : sni_remembered;
  };
  const auto before = proxy::inspect::connect_facts(rules, group, host, remembered);
  const auto mode = rules.group(group).inspect;
  const auto first = proxy::inspect::plan_tunnel(before);
  require(first == TunnelStep::refuse || first == TunnelStep::tunnel ||
          first == TunnelStep::read_hello);
  if (mode == rules::InspectMode::none) require(first != TunnelStep::read_hello);
  if (first != TunnelStep::read_hello) return 0;

  const auto hello = proxy::tls::parse_client_hello(std::span(data + 2, size - 2));
  const auto judged =
      proxy::inspect::judge_hello(rules, group, connect_host, 443, host, hello, before, now);
  const auto step = proxy::inspect::plan_tunnel(judged.facts);
  const bool decrypts = step == TunnelStep::inspect || step == TunnelStep::block_page;
  const bool blocked = judged.verdict.decision.action == rules::Action::block;
  require(step == TunnelStep::close || step == TunnelStep::pass_through || decrypts);
  if (blocked) require(step == TunnelStep::close || step == TunnelStep::block_page);
  if (decrypts) {
    require(!judged.name.empty());
    require(hello.status == proxy::tls::HelloStatus::complete);
    const bool same_name = judged.name == host.host;
    require(!(rules.inspect_exempt(group, host.host) && same_name));
    require(!(host_remembered && same_name));
  }
  if (mode != rules::InspectMode::none && hello.status != proxy::tls::HelloStatus::complete &&
      hello.status != proxy::tls::HelloStatus::not_tls)
    require(step == TunnelStep::close);
  // Inspect-all: plain bytes go through only to an exempt host.
  if (mode == rules::InspectMode::all && hello.status == proxy::tls::HelloStatus::not_tls &&
      step == TunnelStep::pass_through)
    require(rules.inspect_exempt(group, host.host));
  if (step == TunnelStep::inspect) require(mode == rules::InspectMode::all && !blocked);
  return 0;
}
