#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "reporting/department_bundle.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/labels.hpp"

namespace edugate::reporting {

/// The text used for "all" in a wildcard dimension of a device row.
inline constexpr std::string_view kAll = "*";

/// One hourly counter as stored: stable string keys, never numeric rule-set ids.
struct CountCell {
  std::int64_t hour = 0;  ///< HourBucket::index()
  std::string group;
  std::string category;  ///< "" = no category matched
  std::string action;    ///< to_string(Tallied)
  std::string domain;    ///< registrable domain of the matched rule, "" = none
  friend auto operator<=>(const CountCell&, const CountCell&) = default;
};

/// The cell a distinct-device count belongs to; any of group/category/action/domain may be kAll.
struct DeviceCell {
  LocalDay day = 0;
  std::string group;
  std::string category;
  std::string action;
  std::string domain;
  friend auto operator<=>(const DeviceCell&, const DeviceCell&) = default;
};

/// Everything one flush writes, in one transaction. Counts add up in the store; device counts
/// are the current in-RAM lower bound for the day and are kept as a maximum.
struct FlushBatch {
  std::map<CountCell, std::uint64_t> counts;
  std::map<DeviceCell, std::uint64_t> devices;
  std::set<std::pair<LocalDay, std::string>> versions;
  std::set<std::pair<LocalDay, DepartmentBundle>> bundles;  ///< in force on that day
  std::map<std::string, CategoryLabel> categories;          ///< by key
  std::map<std::string, GroupLabel> groups;                 ///< by key

  /// Folds a later batch into this one (counts add, device counts take the maximum, labels
  /// take the later text): used to keep a batch the store refused for the next attempt.
  void absorb(FlushBatch&& later);
  std::size_t rows() const noexcept {
    return counts.size() + devices.size() + versions.size() + bundles.size() + categories.size() +
           groups.size();
  }
  bool empty() const noexcept { return rows() == 0; }
};

}  // namespace edugate::reporting
