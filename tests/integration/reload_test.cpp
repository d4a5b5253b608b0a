// Hot reload that never drops traffic: wrk keeps loading edugate while the rules are reloaded
// (SIGHUP) every second for 30 s; no request may fail, and the last rules are in force after.
// A broken rule file on reload keeps the old rules serving and says why (file:line:col).

#include <gtest/gtest.h>
#include <signal.h>

#include <regex>
#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/wrk.hpp"

namespace edugate::itest {
namespace {

std::string school_rules(int generation) {
  // Each generation blocks a different marker host for the pupils: visible proof of which
  // rule set is in force.
  return "categories:\n  - id: rieng\n    labels: {vi: \"Riêng\", en: \"Own\"}\n"
         "    domains: [gen" +
         std::to_string(generation) +
         ".test]\n"
         "groups:\n  - id: hoc-sinh\n    labels: {vi: \"Học sinh\", en: \"Pupils\"}\n"
         "    age: thcs\n    networks: [127.0.0.0/8]\n    policy: {block: [rieng]}\n"
         "default_group:\n  labels: {vi: \"Khách\", en: \"Guests\"}\n  age: thcs\n";
}

TEST(Reload, ThirtySecondsOfReloadsUnderLoadDropNothing) {
  EnforcementSetup setup;
  setup.dir.write("school.yaml", school_rules(0));
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin, "timeouts: {upstream_connect: 1s}\n"),
                         setup.options()};
  const auto script = setup.dir.write("proxy.lua", kWrkProxyScript);
  Process wrk({.argv = {"wrk", "-t1", "-c8", "-d32s", "-s", script.string(), edugate.proxy().url()},
               .env = {"TARGET=http://allowed.test/bytes/512"},
               .cwd = {}});
  for (int generation = 1; generation <= 30; ++generation) {
    std::this_thread::sleep_for(milliseconds(1000));
    setup.dir.write("school.yaml", school_rules(generation));
    ::kill(edugate.process().pid(), SIGHUP);
  }
  const auto result = wrk.wait_for_prefix(Stream::out, "RESULT", milliseconds(20000));
  ASSERT_TRUE(result) << wrk.output(Stream::err);
  const auto counted = parse_wrk_result(*result);
  ASSERT_TRUE(counted) << *result;
  EXPECT_GT(counted->requests, 1000) << *result;
  EXPECT_EQ(counted->failed(), 0) << *result;
  // The reloads happened and the last generation is in force, the earlier ones are not.
  std::this_thread::sleep_for(milliseconds(1500));
  EXPECT_GE(metric(edugate, "edugate_rules_reloads_total"), 25);
  EXPECT_EQ(via(edugate, {"http://gen30.test/"}).status, 403);
  // gen29.test is no longer blocked: allowed (it does not resolve, so the pupil gets 502/504
  // from upstream). Read from the decision counters: a dead proxy would move neither.
  const auto allowed = metric(edugate, "edugate_decisions_allow_total");
  const auto blocked = metric(edugate, "edugate_decisions_block_total");
  const auto status = via(edugate, {"http://gen29.test/"}).status;
  EXPECT_TRUE(status == 502 || status == 504) << status;
  EXPECT_EQ(metric(edugate, "edugate_decisions_allow_total") - allowed, 1);
  EXPECT_EQ(metric(edugate, "edugate_decisions_block_total") - blocked, 0);
}

TEST(Reload, ABrokenRuleFileKeepsTheOldRulesServing) {
  EnforcementSetup setup;
  setup.dir.write("school.yaml", school_rules(1));
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin), setup.options()};
  EXPECT_EQ(via(edugate, {"http://gen1.test/"}).status, 403);
  setup.dir.write("school.yaml", school_rules(2) + "groups_typo: []\n");
  ::kill(edugate.process().pid(), SIGHUP);
  const auto error = edugate.process().wait_for_line(
      Stream::err, std::regex("school\\.yaml:\\d+:\\d+: unknown key 'groups_typo'"),
      milliseconds(10000));
  EXPECT_TRUE(error) << edugate.log();
  EXPECT_TRUE(edugate.process().wait_for_line(
      Stream::err, std::regex("previous rules keep serving"), milliseconds(5000)));
  EXPECT_EQ(via(edugate, {"http://gen1.test/"}).status, 403);  // still the old set
  EXPECT_EQ(metric(edugate, "edugate_rules_reload_failures_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_rules_last_reload_ok"), 0);
  // Fixing the file and reloading again works.
  setup.dir.write("school.yaml", school_rules(2));
  ::kill(edugate.process().pid(), SIGHUP);
  EXPECT_TRUE(edugate.process().wait_for_line(Stream::err, std::regex("rules reloaded"),
                                              milliseconds(10000)));
  EXPECT_EQ(via(edugate, {"http://gen2.test/"}).status, 403);
  EXPECT_EQ(metric(edugate, "edugate_rules_last_reload_ok"), 1);
}

TEST(Reload, FileWatchReloadsWithoutASignal) {
  EnforcementSetup setup;
  setup.dir.write("school.yaml", school_rules(1));
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin, "reload: {watch: true, interval: 200ms}\n"),
                         setup.options()};
  EXPECT_EQ(via(edugate, {"http://gen1.test/"}).status, 403);
  std::this_thread::sleep_for(milliseconds(1100));  // a new mtime second
  setup.dir.write("school.yaml", school_rules(7));
  EXPECT_TRUE(edugate.process().wait_for_line(Stream::err, std::regex("rules reloaded"),
                                              milliseconds(10000)));
  EXPECT_EQ(via(edugate, {"http://gen7.test/"}).status, 403);
}

}  // namespace
}  // namespace edugate::itest
