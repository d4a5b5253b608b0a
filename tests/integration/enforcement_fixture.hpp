#pragma once

// A small, readable rule set for the enforcement tests, written into a temp dir, and an edugate
// whose clock the test controls (`run --test-clock FILE`).

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {

/// Times (Unix seconds) around the school day in Asia/Ho_Chi_Minh (UTC+7).
inline constexpr long long kMonday0659 = 1795391940;    // 2026-11-23 06:59, Monday
inline constexpr long long kMonday0700 = 1795392000;    // 2026-11-23 07:00
inline constexpr long long kMonday1629 = 1795426140;    // 2026-11-23 16:29
inline constexpr long long kMonday1630 = 1795426200;    // 2026-11-23 16:30
inline constexpr long long kSaturday1000 = 1795834800;  // 2026-11-28 10:00

inline constexpr const char* kDepartmentRules = R"(
description: test department set
categories:
  - id: xau
    labels: {vi: "Nội dung xấu", en: "Harmful content"}
    mandatory: true
    domains: [blocked.test]
    keywords: ["cờ bạc"]
  - id: tro-choi
    labels: {vi: "Trò chơi trực tuyến", en: "Online games"}
    domains: [games.test]
  - id: mxh
    labels: {vi: "Mạng xã hội", en: "Social networks"}
    domains: [social.test]
  - id: thu-nghiem
    labels: {vi: "Danh sách thử nghiệm", en: "Trial list"}
    domains: [trial.test]
schedules:
  - id: gio-hoc
    windows:
      - {days: mon-fri, from: "07:00", to: "16:30"}
profiles:
  thcs:
    warn: [mxh]
    monitor: [thu-nghiem]
    scheduled:
      - {category: tro-choi, action: block, during: gio-hoc}
    safe_search: {enabled: true, youtube: strict}
)";

inline constexpr const char* kSchoolRules = R"(
description: test school
groups:
  - id: hoc-sinh
    labels: {vi: "Học sinh", en: "Pupils"}
    age: thcs
    networks: [127.0.0.0/8]
    exceptions:
      domains: [edu.games.test]
)";

/// For the teacher page: staff on 127.0.0.0/24; pupils (thcs) on the rest of 127/8; another class
/// on 127.1/16.
inline constexpr const char* kStaffAndPupilsSchool = R"(
groups:
  - id: giao-vien
    labels: {vi: "Giáo viên", en: "Staff"}
    age: staff
    networks: [127.0.0.0/24]
  - id: hoc-sinh
    labels: {vi: "Học sinh", en: "Pupils"}
    age: thcs
    networks: [127.0.0.0/8]
  - id: lop-khac
    labels: {vi: "Lớp khác", en: "Another class"}
    age: thcs
    networks: [127.1.0.0/16]
)";

/// The rules above plus a test clock file, in one directory that outlives the edugate process.
struct EnforcementSetup {
  TempDir dir{"edugate-rules"};
  std::filesystem::path department = dir.write("department.yaml", kDepartmentRules);
  std::filesystem::path school = dir.write("school.yaml", kSchoolRules);
  std::filesystem::path clock = dir.write("clock", std::to_string(kMonday0700));

  void set_time(long long unix_seconds) const { dir.write("clock", std::to_string(unix_seconds)); }

  /// Config: the rules, every test host routed to `origin` (to `tls_origin` instead, when given,
  /// for the names CONNECT tests use), reporting into this dir.
  std::string config(const TestOrigin& origin, std::string_view extra = {},
                     const TestOrigin* tls_origin = nullptr) const {
    const auto o = origin.endpoint().authority();
    std::string c = test_config(extra);
    c += "rules:\n  department: " + department.string() + "\n  school: " + school.string() +
         "\n  timezone: Asia/Ho_Chi_Minh\n";
    c += "upstream_overrides:\n";
    for (const char* host :
         {"blocked.test", "games.test", "edu.games.test", "social.test", "www.bing.com"})
      c += std::string("  ") + host + ": \"" + o + "\"\n";
    if (tls_origin) {
      // www.google.com deliberately absent: only the safe-search endpoint leads anywhere.
      const auto t = tls_origin->endpoint().authority();
      for (const char* host : {"allowed.test", "trial.test", "forcesafesearch.google.com"})
        c += std::string("  ") + host + ": \"" + t + "\"\n";
    } else {
      for (const char* host : {"allowed.test", "trial.test", "www.google.com"})
        c += std::string("  ") + host + ": \"" + o + "\"\n";
    }
    c += "reporting:\n  store: " + (dir.path() / "edugate.db").string() +
         "\n  flush_interval: 1s\n  school_id: test-school\n";
    return c;
  }

  EdugateOptions options() const {
    EdugateOptions o;
    o.extra_args = {"--test-clock", clock.string()};
    return o;
  }
};

/// `edugate report weekly --week 2026-W48` of `e`'s store as JSON text; "" (and a test failure)
/// when the command fails.
inline std::string weekly_json(const EdugateProcess& e, const EnforcementSetup& setup) {
  const auto out = setup.dir.path() / "week.json";
  const auto r = run_command({edugate_binary(), "report", "weekly", "--week", "2026-W48",
                              "--config", e.config_path().string(), "-o", out.string()},
                             milliseconds(20000));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? read_file(out) : std::string();
}

/// The anti-forgery token in a report form page, or "".
inline std::string form_token(const std::string& page) {
  std::smatch m;
  static const std::regex re("name=\"token\" value=\"([0-9a-f]+)\"");
  return std::regex_search(page, m, re) ? m[1].str() : std::string();
}

/// A pupil at `client` (a loopback address) sends the report form as a browser does: it loads
/// the form (which carries its token), then posts `fields` back with that token and the
/// portal's Origin. `origin` empty: no Origin header.
inline HttpReply send_report(const EdugateProcess& e, const std::string& client,
                             const std::string& fields,
                             const std::string& origin = "http://edugate.lan") {
  const auto form = via(e, {"--interface", client, "http://edugate.lan/bao-cao"});
  std::vector<std::string> args = {"--interface", client, "--data",
                                   fields + "&token=" + form_token(form.body)};
  if (!origin.empty()) args.insert(args.end(), {"-H", "Origin: " + origin});
  args.push_back("http://edugate.lan/bao-cao");
  return via(e, args);
}

}  // namespace edugate::itest
