#pragma once

#include <string>
#include <vector>

namespace edugate::reporting {

/// A category as the rule set names it: `key` is the stable string id (numeric CategoryIds change
/// between rule-set versions, keys do not), `vi`/`en` the display labels.
struct CategoryLabel {
  std::string key;
  std::string vi;
  std::string en;
};

/// A policy group: stable key (e.g. "thcs") and display name (e.g. "THCS lớp 6–9"), and its age
/// band (mam-non, tieu-hoc, thcs, thpt, staff), which lets a department add schools up by school
/// level whatever each school calls its groups; "" when unknown (reports from before schema 2).
struct GroupLabel {
  std::string key;
  std::string name;
  std::string age;
};

/// What one compiled rule-set snapshot calls its numeric ids. The proxy builds one per rule-set
/// version and hands it to each Recorder (Recorder::set_labels); it is immutable once shared.
struct Labels {
  std::string rule_set_version;
  std::vector<CategoryLabel> categories;  ///< index = rules::CategoryId
  std::vector<GroupLabel> groups;         ///< index = rules::GroupId
};

}  // namespace edugate::reporting
