#pragma once

#include <fmt/format.h>

#include <array>
#include <string>
#include <vector>

#include "reporting/aggregator.hpp"
#include "reporting/device_keyring.hpp"

namespace edugate::reporting::bench {

/// A school's rule-set naming: 30 categories, 6 groups.
inline Labels school_labels() {
  Labels l;
  l.rule_set_version = "dept-2026.47";
  for (int c = 0; c < 30; ++c)
    l.categories.push_back(
        {fmt::format("cat{}", c), fmt::format("Danh mục {}", c), fmt::format("Category {}", c)});
  for (int g = 0; g < 6; ++g)
    l.groups.push_back({fmt::format("grp{}", g), fmt::format("Nhóm {}", g), "thcs"});
  return l;
}

/// One hour of a 1,000-pupil school: `requests` decisions spread over two worker Recorders,
/// 3% blocked across 30 categories and 300 domains, from 1,000 devices in 6 groups.
inline void count_school_hour(Aggregator& agg, std::array<Recorder*, 2> recorders,
                              const DeviceKeyring& ring, HourBucket hour, std::uint64_t requests) {
  std::vector<DeviceKey> devices;
  for (int i = 0; i < 1000; ++i) {
    const std::array<std::uint8_t, 4> a{10, 2, static_cast<std::uint8_t>(i >> 8),
                                        static_cast<std::uint8_t>(i)};
    devices.push_back(device_key(ring, a, hour.day));
  }
  std::vector<std::string> domains;
  for (int d = 0; d < 300; ++d) domains.push_back(fmt::format("www.site{}.com.vn", d));
  (void)agg;
  for (std::uint64_t i = 0; i < requests; ++i) {
    const std::size_t dev = (i * 2654435761u) % 1000;
    const bool block = i % 33 == 0;
    const rules::Decision d{
        block ? rules::Action::block : rules::Action::allow,
        static_cast<rules::CategoryId>(block ? (i / 33) % 30 : rules::kNoCategory), 1, ""};
    recorders[i & 1]->count(d, static_cast<rules::GroupId>(dev % 6), hour,
                            block ? std::string_view(domains[(i / 33) % 300]) : std::string_view(),
                            devices[dev]);
  }
}

}  // namespace edugate::reporting::bench
