#pragma once

#include <string>

#include "reporting/device_keyring.hpp"
#include "rules/cidr.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// What edugate remembers of one client connection: its policy group and its device pseudonyms
/// for distinct-device counting (keyed hashes whose keys live only in RAM and change daily): one
/// for the day the connection opened and one for the next, so that a keep-alive connection that
/// crosses midnight still counts as a device. The client's address picks all of them once, when
/// the connection opens, and is not kept: after a reload the group is found again by its id (a
/// vanished group falls back to the default group).
class ClientGroup {
 public:
  ClientGroup() = default;
  ClientGroup(const rules::RuleSet* rules, const rules::IpBytes& client, reporting::LocalDay opened,
              reporting::DeviceKey today, reporting::DeviceKey tomorrow)
      : opened_(opened), devices_{today, tomorrow} {
    if (!rules) return;
    id_ = rules->group_for(client).value_or(rules::kDefaultGroup);
    key_ = rules->group(id_).id;
    version_ = rules->version();
  }

  /// The pseudonym for a request made on local `day` (kNoDevice beyond the next day).
  reporting::DeviceKey device(reporting::LocalDay day) const {
    if (day == opened_) return devices_[0];
    if (day == opened_ + 1) return devices_[1];
    return reporting::kNoDevice;
  }

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
  reporting::LocalDay opened_ = 0;
  reporting::DeviceKey devices_[2] = {reporting::kNoDevice, reporting::kNoDevice};
};

}  // namespace edugate::proxy::server
