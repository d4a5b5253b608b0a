#pragma once

// The facts plan_tunnel() decides on, gathered from the rules: the group's inspection mode,
// the decisions on the CONNECT host and on the ClientHello's SNI, and the exemptions. Pure (no
// I/O, no Asio): the fuzz target drives it from ClientHello bytes.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "proxy/inspect/tunnel_plan.hpp"
#include "proxy/policy/gate.hpp"
#include "proxy/tls/client_hello.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy::inspect {

/// Whether clients lately refused our certificate for a host (the worker's FallbackHosts).
using RememberedHost = std::function<bool(std::string_view host)>;

/// Before the ClientHello: the mode of `group`, the CONNECT host's decision (`host`, from
/// judge_connect), its exemption and whether it is remembered.
TunnelFacts connect_facts(const rules::RuleSet& rules, rules::GroupId group,
                          const policy::ConnectVerdict& host, const RememberedHost& remembered);

/// What the ClientHello adds.
struct HelloJudgement {
  TunnelFacts facts;               ///< hello_read set
  policy::ConnectVerdict verdict;  ///< on CONNECT host + SNI (the host's when no other SNI)
  std::string name;                ///< the name a minted certificate carries
};

/// After the ClientHello `hello` (whatever its status): decides again on CONNECT host + SNI
/// when the SNI names another host (domain fronting is blocked like the classic tunnel does),
/// and notes whether it does (an exemption holds only for the CONNECT host's own name).
/// `connect_host` and `port` are the CONNECT target as sent. Pure; thread-safe.
HelloJudgement judge_hello(const rules::RuleSet& rules, rules::GroupId group,
                           std::string_view connect_host, std::uint16_t port,
                           const policy::ConnectVerdict& host, const tls::HelloParse& hello,
                           TunnelFacts before, std::chrono::system_clock::time_point now,
                           std::span<const rules::Grant> grants = {});

}  // namespace edugate::proxy::inspect
