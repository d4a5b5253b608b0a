#pragma once

#include <compare>
#include <string>

#include "reporting/calendar.hpp"

namespace edugate::reporting {

/// The department rules an appliance enforced: a report says which, so that the department can
/// find schools still on an old bundle.
struct DepartmentBundle {
  std::string version;  ///< the published version ("12") or, for a local directory, "-"
  std::string source;   ///< "update" (fetched and verified), "signed" (rules.department_pubkey)
                        ///< or "local" (a directory nobody signed)
  bool verified = false;
  friend auto operator<=>(const DepartmentBundle&, const DepartmentBundle&) = default;
};

/// A bundle and the local days of the report period it was in force on.
struct BundleInForce {
  DepartmentBundle bundle;
  LocalDay first_day = 0;
  LocalDay last_day = 0;
  friend bool operator==(const BundleInForce&, const BundleInForce&) = default;
};

}  // namespace edugate::reporting
