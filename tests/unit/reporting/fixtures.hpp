#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "reporting/labels.hpp"
#include "rules/decision.hpp"

namespace edugate::reporting::testing {

/// A small rule-set naming: categories 0 = gambling, 1 = adult, 2 = games; groups 0 = staff,
/// 1 = thcs, 2 = thpt.
inline Labels sample_labels(std::string version = "dept-2026.47") {
  Labels l;
  l.rule_set_version = std::move(version);
  l.categories = {{"gambling", "Cờ bạc", "Gambling"},
                  {"adult", "Nội dung người lớn", "Adult content"},
                  {"games", "Trò chơi trực tuyến", "Online games"}};
  l.groups = {{"staff", "Giáo viên"}, {"thcs", "THCS lớp 6–9"}, {"thpt", "THPT lớp 10–12"}};
  return l;
}

inline rules::Decision block(rules::CategoryId c) {
  return {rules::Action::block, c, 42, "listed"};
}
inline rules::Decision allow() {
  return {rules::Action::allow, rules::kNoCategory, rules::kNoRule, ""};
}

/// IPv4 address bytes 10.0.x.y for device number n.
inline std::array<std::uint8_t, 4> address(int n) {
  return {10, 0, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n & 0xff)};
}

}  // namespace edugate::reporting::testing
