#pragma once

#include <string_view>

#include "rules/decision.hpp"
#include "rules/ids.hpp"
#include "rules/request_facts.hpp"

namespace edugate::rules {
class RuleSet;
}

namespace edugate::proxy::server {
struct WorkerContext;
class ClientGroup;
}  // namespace edugate::proxy::server

namespace edugate::proxy::session {

/// Counts one decision for the reports, the only place proxy/ hands a decision to the recorder:
/// the group, the local hour, the domain it is counted under (policy::counted_domain of `name`)
/// and the device's pseudonym for that day. Never the client's address, the URL or the path.
/// Does nothing when reporting is off.
void record_decision(server::WorkerContext& w, const rules::RuleSet& rules, rules::GroupId group,
                     const server::ClientGroup& devices, const rules::Decision& decision,
                     const rules::LocalTime& at, std::string_view name);

}  // namespace edugate::proxy::session
