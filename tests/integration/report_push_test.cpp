// reporting.push, the school side: each closed ISO week's report is built once, signed, kept in
// the store's outbox and POSTed until the department acknowledges it, through outages and
// restarts, in week order, the same bytes every time. The department end is
// tests/integration/harness/report_sink.py until the department service exists.

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/test_pki.hpp"

namespace edugate::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr long long kWeek = 7 * 86400;

class ReportSink {
 public:
  explicit ReportSink(const fs::path& dir, const TestPki& pki)
      : dir_(dir),
        process_(ProcessOptions{
            .argv = {"python3",
                     std::string(EDUGATE_SOURCE_DIR) + "/tests/integration/harness/report_sink.py",
                     "--dir", dir.string(), "--cert", pki.server_cert.string(), "--key",
                     pki.server_key.string()},
            .env = {},
            .cwd = {}}) {
    const auto line = process_.wait_for_prefix(Stream::out, "listening ", 10s);
    if (!line) throw std::runtime_error("report_sink.py: " + process_.output(Stream::err));
    port_ = std::stoi(line->substr(10));
  }
  void set_mode(int status) const { std::ofstream(dir_ / "mode") << status; }
  /// A maintenance page that answers 200 without acknowledging anything.
  void set_maintenance() const { std::ofstream(dir_ / "mode") << "maint"; }
  std::string url() const {
    return "https://localhost:" + std::to_string(port_) + "/api/v1/reports";
  }
  /// Every body received, in arrival order.
  std::vector<std::string> received() const {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir_ / "received")) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(read_file(f));
    return out;
  }

 private:
  fs::path dir_;
  Process process_;
  int port_ = 0;
};

std::string week_of(const std::string& body) {
  return nlohmann::json::parse(body).at("period").at("iso_week").get<std::string>();
}

TEST(ReportPush, DeliversEachClosedWeekOnceThroughOutagesAndRestartsInOrderSameBytes) {
  EnforcementSetup setup;
  TempDir work{"edugate-push"};
  const auto pki = make_test_pki(work.path());
  ASSERT_EQ(run_command({edugate_binary(), "report", "keygen", "--out", work.path().string(),
                         "--name", "test-school"},
                        10s)
                .exit_code,
            0);
  fs::create_directories(work.path() / "sink");
  ReportSink sink(work.path() / "sink", pki);
  sink.set_mode(201);
  TestOrigin origin;
  auto config = setup.config(origin);
  config += "  signing_key: " + (work.path() / "test-school.key").string() +
            "\n  push:\n    url: " + sink.url() + "\n    ca: " + pki.ca_cert.string() +
            "\n    retry_min: 1s\n    retry_max: 2s\n";
  long long now = kMonday0700;
  std::string w48_first;
  {
    EdugateProcess edugate{config, setup.options()};
    // Push just turned on (2026-W48): the last closed week, W47, is sent at once.
    ASSERT_EQ(wait_metric(edugate, "edugate_report_push_delivered_total",
                          [](long long v) { return v >= 1; }),
              1)
        << edugate.log();
    // W48: some blocked requests, then the department goes down and the week closes.
    for (int i = 0; i < 3; ++i) EXPECT_EQ(via(edugate, {"http://blocked.test/"}).status, 403);
    // First a maintenance page answering 200: not an acknowledgement, not a delivery.
    sink.set_maintenance();
    now += kWeek;
    setup.set_time(now);
    EXPECT_TRUE(edugate.process()
                    .wait_for_line(Stream::err,
                                   std::regex("report of 2026-W48 was not delivered \\(HTTP 200 "
                                              "without an acknowledgement"),
                                   20s)
                    .has_value())
        << edugate.log();
    sink.set_mode(503);
    EXPECT_GE(wait_metric(edugate, "edugate_report_push_failures_total",
                          [](long long v) { return v >= 2; }),
              2)
        << edugate.log();
    EXPECT_EQ(metric(edugate, "edugate_report_outbox_pending"), 1);
    EXPECT_GT(metric(edugate, "edugate_report_outbox_oldest_created_timestamp_seconds"), 0);
    // Every reporting.push metric the shipped alerts read is exported here (report_api_test
    // checks the others on an appliance without push).
    const auto push_names = alert_metric_names("edugate_report_(outbox|push)_[a-z0-9_]+");
    EXPECT_GE(push_names.size(), 1u);
    EXPECT_EQ(not_exported(curl({edugate.admin().url() + "/metrics"}).out, push_names),
              std::vector<std::string>{});
    // Two more weeks close while the department is down; then edugate is killed outright.
    now += 2 * kWeek;
    setup.set_time(now);
    EXPECT_EQ(
        wait_metric(edugate, "edugate_report_outbox_pending", [](long long v) { return v >= 3; }),
        3)
        << edugate.log();
    ::kill(edugate.process().pid(), SIGKILL);
    edugate.process().wait_for_eof(5s);
  }
  const auto before = sink.received();
  ASSERT_GE(before.size(), 3u);
  for (const auto& body : before)
    if (week_of(body) == "2026-W48") w48_first = body;
  ASSERT_FALSE(w48_first.empty());

  // Restarted with the department back: W48, W49, W50 arrive in that order, each the very bytes
  // first attempted (never rebuilt), each signed by the school.
  sink.set_mode(201);
  EdugateProcess again{config, setup.options()};
  ASSERT_EQ(wait_metric(again, "edugate_report_outbox_pending", [](long long v) { return v == 0; }),
            0)
      << again.log();
  EXPECT_EQ(metric(again, "edugate_report_push_delivered_total"), 3);
  const auto all = sink.received();
  std::vector<std::string> delivered(all.begin() + static_cast<long>(before.size()), all.end());
  ASSERT_EQ(delivered.size(), 3u);
  EXPECT_EQ(week_of(delivered[0]), "2026-W48");
  EXPECT_EQ(week_of(delivered[1]), "2026-W49");
  EXPECT_EQ(week_of(delivered[2]), "2026-W50");
  EXPECT_EQ(delivered[0], w48_first);
  for (const auto& body : before) {
    if (week_of(body) == "2026-W48") {
      EXPECT_EQ(body, w48_first);  // every attempt, the same bytes
    }
  }
  for (std::size_t i = 0; i < delivered.size(); ++i) {
    const auto file = work.path() / ("delivered-" + std::to_string(i) + ".json");
    std::ofstream(file) << delivered[i];
    const auto v = run_command({edugate_binary(), "report", "verify", file.string(), "--pubkey",
                                (work.path() / "test-school.pub").string()},
                               10s);
    EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  }
  // The week with traffic carries its Monday (one device: its cells are suppressed, k = 10, but
  // they are there); the weeks without traffic have no cell.
  EXPECT_FALSE(nlohmann::json::parse(delivered[0]).at("cells").empty());
  EXPECT_EQ(nlohmann::json::parse(delivered[0]).at("cells").at(0).at("day"), "2026-11-23");
  EXPECT_TRUE(nlohmann::json::parse(delivered[1]).at("cells").empty());
  // Nothing is sent twice once acknowledged.
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(sink.received().size(), all.size());
}

}  // namespace
}  // namespace edugate::itest
