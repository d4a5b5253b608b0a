#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "reporting/flush_batch.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/labels.hpp"
#include "reporting/store.hpp"
#include "rules/decision.hpp"

namespace edugate::reporting::testing {

/// The day the store tests count on.
inline constexpr LocalDay kStoreDay = 20'400;

/// One flush: `n` blocked requests to bet.example by THCS at `hour`, `devices` distinct devices.
inline FlushBatch batch(std::uint64_t n, std::uint64_t devices, LocalDay day = kStoreDay,
                        int hour = 8) {
  FlushBatch b;
  b.counts[{HourBucket{day, static_cast<std::uint8_t>(hour)}.index(), "thcs", "gambling", "block",
            "bet.example"}] = n;
  b.devices[{day, "thcs", "gambling", "block", "*"}] = devices;
  b.versions.emplace(day, "v1");
  b.categories["gambling"] = {"gambling", "Cờ bạc", "Gambling"};
  b.groups["thcs"] = {"thcs", "THCS", "thcs"};
  return b;
}

/// Requests over every count read back.
inline std::uint64_t total(const StoreExtract& x) {
  std::uint64_t t = 0;
  for (const auto& c : x.counts) t += c.requests;
  return t;
}

/// A small rule-set naming: categories 0 = gambling, 1 = adult, 2 = games; groups 0 = staff,
/// 1 = thcs, 2 = thpt.
inline Labels sample_labels(std::string version = "dept-2026.47") {
  Labels l;
  l.rule_set_version = std::move(version);
  l.categories = {{"gambling", "Cờ bạc", "Gambling"},
                  {"adult", "Nội dung người lớn", "Adult content"},
                  {"games", "Trò chơi trực tuyến", "Online games"}};
  l.groups = {{"staff", "Giáo viên", "staff"},
              {"thcs", "THCS lớp 6–9", "thcs"},
              {"thpt", "THPT lớp 10–12", "thpt"}};
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
