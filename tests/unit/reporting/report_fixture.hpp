#pragma once

#include "reporting/calendar.hpp"
#include "reporting/report_builder.hpp"
#include "reporting/store.hpp"

namespace edugate::reporting::testing {

/// A week of a school's aggregates (2026-W47): gambling and games blocked for two groups every
/// day with many devices, plus one rare adult-content cell (2 devices) on Tuesday.
inline StoreExtract sample_week() {
  StoreExtract x;
  const LocalDay monday = parse_iso_week("2026-W47")->from;
  auto add = [&](LocalDay d, const char* g, const char* c, const char* a, const char* dom,
                 std::uint64_t n) {
    x.counts.push_back({d, g, c, a, dom, n});
  };
  auto dev = [&](LocalDay d, const char* g, const char* c, const char* a, std::uint64_t n,
                 const char* dom = "*") {
    x.devices[{d, g, c, a, dom}] = n;
  };
  for (LocalDay d = monday; d < monday + 7; ++d) {
    const std::uint64_t i = static_cast<std::uint64_t>(d - monday);
    add(d, "thcs", "gambling", "block", "bet.example", 40 + i);
    add(d, "thpt", "gambling", "block", "bet.example", 60 + i);
    add(d, "thcs", "games", "block", "game.example", 100 + i);
    add(d, "thpt", "games", "block", "game.example", 120 + i);
    add(d, "thcs", "", "allow", "", 5000);
    add(d, "thpt", "", "allow", "", 7000);
    for (const char* g : {"thcs", "thpt", "*"}) {
      dev(d, g, "gambling", "block", 25);
      dev(d, g, "games", "block", 40);
      dev(d, g, "*", "block", 60);
      dev(d, g, "", "allow", 300);
      dev(d, g, "*", "allow", 300);
      dev(d, g, "*", "*", 320);
    }
    dev(d, "*", "gambling", "block", 25, "bet.example");
    dev(d, "*", "games", "block", 40, "game.example");
  }
  add(monday + 1, "thcs", "adult", "block", "rare.example", 37);
  dev(monday + 1, "thcs", "adult", "block", 2);
  dev(monday + 1, "*", "adult", "block", 2);
  dev(monday + 1, "*", "adult", "block", 2, "rare.example");
  x.versions = {"dept-2026.47"};
  x.categories["gambling"] = {"gambling", "Cờ bạc", "Gambling"};
  x.categories["games"] = {"games", "Trò chơi trực tuyến", "Online games"};
  x.categories["adult"] = {"adult", "Nội dung người lớn", "Adult content"};
  x.groups["thcs"] = {"thcs", "THCS lớp 6–9", "thcs"};
  x.groups["thpt"] = {"thpt", "THPT \"chuyên\", lớp 10–12", "thpt"};
  return x;
}

inline ReportRequest sample_request() {
  ReportRequest r;
  r.period = *parse_iso_week("2026-W47");
  r.k = 10;
  r.school_id = "thcs-nguyen-du";
  r.school_name = "Trường THCS Nguyễn Du";
  r.generator = "edugate test";
  return r;
}

inline const ReportEntry* find_entry(const Report& r, LocalDay day, const std::string& a,
                                     const std::string& c, const std::string& g) {
  for (const auto& e : r.entries)
    if (e.day == day && e.action == a && e.category == c && e.group == g) return &e;
  return nullptr;
}

}  // namespace edugate::reporting::testing
