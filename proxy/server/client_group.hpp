#pragma once

#include <string>

#include "reporting/device_keyring.hpp"
#include "rules/cidr.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// What edugate remembers of one client connection: its policy group and the day's device
/// pseudonym for distinct-device counting (a keyed hash whose key lives only in RAM). The
/// client's address picks both once, when the connection opens, and is not kept: after a reload
/// the group is found again by its id (a vanished group falls back to the default group).
class ClientGroup {
 public:
  ClientGroup() = default;
  ClientGroup(const rules::RuleSet* rules, const rules::IpBytes& client,
              reporting::DeviceKey device)
      : device_(device) {
    if (!rules) return;
    id_ = rules->group_for(client).value_or(rules::kDefaultGroup);
    key_ = rules->group(id_).id;
    version_ = rules->version();
  }

  reporting::DeviceKey device() const { return device_; }

  /// The group's id in `rules` (which may be a newer snapshot than the one that chose it).
  rules::GroupId in(const rules::RuleSet& rules) {
    // Equal versions mean equal inputs, hence equal ids (a pointer could be reused).
    if (rules.version() != version_) {
      id_ = rules.find_group(key_).value_or(rules::kDefaultGroup);
      version_ = rules.version();
    }
    return id_;
  }

 private:
  std::string key_;
  std::string version_;
  rules::GroupId id_ = rules::kDefaultGroup;
  reporting::DeviceKey device_ = reporting::kNoDevice;
};

}  // namespace edugate::proxy::server
