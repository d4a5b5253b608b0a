#include "proxy/session/record.hpp"

#include "proxy/policy/gate.hpp"
#include "proxy/session/client_group.hpp"
#include "proxy/session/worker_context.hpp"
#include "reporting/hour_bucket.hpp"

namespace edugate::proxy::session {

void record_decision(server::WorkerContext& w, const rules::RuleSet& rules, rules::GroupId group,
                     const server::ClientGroup& devices, const rules::Decision& decision,
                     const rules::LocalTime& at, std::string_view name) {
  if (!w.recorder) return;
  w.recorder->count(decision, group, reporting::HourBucket::from(at),
                    policy::counted_domain(rules, decision, name), devices.device(at.day));
}

}  // namespace edugate::proxy::session
