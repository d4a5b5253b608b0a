#include "proxy/inspect/tunnel_judge.hpp"

#include "rules/rule_set.hpp"

namespace edugate::proxy::inspect {

TunnelFacts connect_facts(const rules::RuleSet& rules, rules::GroupId group,
                          const policy::ConnectVerdict& host, const RememberedHost& remembered) {
  TunnelFacts f;
  const auto g = group < rules.group_count() ? group : rules::kDefaultGroup;
  f.mode = rules.group(g).inspect;
  f.host_blocked = host.decision.action == rules::Action::block;
  f.host_exempt = !host.bad_host && rules.inspect_exempt(g, host.host);
  f.host_remembered = !host.host.empty() && remembered(host.host);
  return f;
}

HelloJudgement judge_hello(const rules::RuleSet& rules, rules::GroupId group,
                           std::string_view connect_host, std::uint16_t port,
                           const policy::ConnectVerdict& host, const tls::HelloParse& hello,
                           TunnelFacts before, std::chrono::system_clock::time_point now,
                           std::span<const rules::Grant> grants) {
  HelloJudgement out;
  out.verdict = host;
  out.name = certificate_name(host.host, hello);
  const auto& info = hello.info;
  if (hello.status == tls::HelloStatus::complete && !info.sni.empty() && info.sni != host.host)
    out.verdict = policy::judge_connect(rules, group, connect_host, port, info.sni, now, grants);
  TunnelFacts& f = out.facts = before;
  f.hello_read = true;
  f.hello = hello.status;
  f.sni_blocked = out.verdict.decision.action == rules::Action::block;
  f.sni_other_host = out.name != host.host;
  return out;
}

}  // namespace edugate::proxy::inspect
