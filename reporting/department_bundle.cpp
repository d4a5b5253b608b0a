#include "reporting/department_bundle.hpp"

#include <algorithm>
#include <charconv>

namespace edugate::reporting {

std::uint64_t bundle_number(const DepartmentBundle& b) noexcept {
  std::uint64_t n = 0;
  const auto& v = b.version;
  if (b.source != "update" || std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc{})
    return 0;
  return n;
}

const BundleInForce* bundle_at_end(const std::vector<BundleInForce>& bundles) noexcept {
  if (bundles.empty()) return nullptr;
  LocalDay end = bundles.front().last_day;
  for (const auto& b : bundles) end = std::max(end, b.last_day);
  const BundleInForce* last = nullptr;
  for (const auto& b : bundles)
    if (b.last_day == end &&
        (!last || !b.bundle.verified || bundle_number(b.bundle) < bundle_number(last->bundle)))
      last = &b;
  return last;
}

std::string bundle_name(const DepartmentBundle& b) {
  return b.source == "update" ? "v" + b.version : "rules.department " + b.source;
}

}  // namespace edugate::reporting
