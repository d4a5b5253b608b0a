#pragma once

#include <string>

#include "rules/cidr.hpp"
#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// The policy group of one client connection. The client's address picks the group once, when
/// the connection opens, and is not kept: after a reload the group is found again by its id
/// (a connection whose group disappeared falls back to the default group).
class ClientGroup {
 public:
  ClientGroup() = default;
  ClientGroup(const rules::RuleSet* rules, const rules::IpBytes& client) {
    if (!rules) return;
    id_ = rules->group_for(client).value_or(rules::kDefaultGroup);
    key_ = rules->group(id_).id;
    version_ = rules->version();
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
};

}  // namespace edugate::proxy::server
