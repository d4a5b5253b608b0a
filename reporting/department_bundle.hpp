#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

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

/// The published version of a bundle fetched by rules.update, as a number; 0 for any other
/// (a local or signed directory, or a version that is not a number). Pure.
std::uint64_t bundle_number(const DepartmentBundle& b) noexcept;

/// What a school enforced at the end of its period: of the bundles in force on the last day any
/// of `bundles` covers (on any of its nodes), the oldest, an unverified one first (a school
/// with one node behind is behind). nullptr when `bundles` is empty. Pure.
const BundleInForce* bundle_at_end(const std::vector<BundleInForce>& bundles) noexcept;

/// "v12", or "rules.department local" / "rules.department signed" for a directory. Pure.
std::string bundle_name(const DepartmentBundle& b);

}  // namespace edugate::reporting
