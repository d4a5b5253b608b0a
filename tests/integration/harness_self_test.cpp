// The integration harness itself: processes, commands, temp dirs, the test PKI and the ready
// line. Needs no working proxy (EdugateProcess is exercised with a stand-in script).

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "tests/integration/harness/curl.hpp"
#include "tests/integration/harness/edugate_process.hpp"
#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/ready_line.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/temp_dir.hpp"
#include "tests/integration/harness/test_pki.hpp"

namespace edugate::itest {
namespace {

using std::chrono::steady_clock;
constexpr milliseconds kShort{5000};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(ReadyLine, ParsesProxiesAndAdmin) {
  const auto ready =
      parse_ready_line("edugate ready: proxy 127.0.0.1:40001, [::1]:40002 admin 127.0.0.1:40003");
  ASSERT_TRUE(ready);
  ASSERT_EQ(ready->proxies.size(), 2u);
  EXPECT_EQ(ready->proxies[0], (Endpoint{"127.0.0.1", 40001}));
  EXPECT_EQ(ready->proxies[1], (Endpoint{"::1", 40002}));
  EXPECT_EQ(ready->proxies[1].authority(), "[::1]:40002");
  EXPECT_EQ(ready->proxies[0].url(), "http://127.0.0.1:40001");
  ASSERT_TRUE(ready->admin);
  EXPECT_EQ(*ready->admin, (Endpoint{"127.0.0.1", 40003}));
}

TEST(ReadyLine, AdminIsOptionalAndALogPrefixIsIgnored) {
  const auto ready =
      parse_ready_line("[2026-11-22 20:00:00.123] [info] edugate ready: proxy 127.0.0.1:3128");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->proxies, std::vector<Endpoint>{(Endpoint{"127.0.0.1", 3128})});
  EXPECT_FALSE(ready->admin);
}

TEST(ReadyLine, RejectsEverythingElse) {
  for (const char* line :
       {"edugate starting", "edugate ready: admin 127.0.0.1:1", "edugate ready: proxy ",
        "edugate ready: proxy 127.0.0.1:0", "edugate ready: proxy 127.0.0.1:70000",
        "edugate ready: proxy ::1:3128", "edugate ready: proxy 127.0.0.1:1, admin 127.0.0.1:2",
        "edugate ready: proxy 127.0.0.1:1 admin nowhere"}) {
    EXPECT_FALSE(parse_ready_line(line)) << line;
  }
}

TEST(Process, CapturesBothStreamsAndTheExitCode) {
  Process p(
      {.argv = {"sh", "-c", "echo one; echo two >&2; echo three; exit 3"}, .env = {}, .cwd = {}});
  EXPECT_EQ(p.wait_for_prefix(Stream::out, "thr", kShort), "three");
  EXPECT_EQ(p.wait_for_line(Stream::err, std::regex("^t.o$"), kShort), "two");
  EXPECT_EQ(p.wait(kShort), 3);
  EXPECT_TRUE(p.wait_for_eof(kShort));
  EXPECT_EQ(p.output(Stream::out), "one\nthree\n");
  EXPECT_GT(p.pid(), 0);
}

TEST(Process, PassesEnvironmentAndWorkingDirectory) {
  TempDir dir;
  Process p({.argv = {"sh", "-c", "echo \"$EDUGATE_ITEST_X\" \"$(pwd)\""},
             .env = {"EDUGATE_ITEST_X=forty-two"},
             .cwd = dir.path()});
  const auto line = p.wait_for_prefix(Stream::out, "forty-two", kShort);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line, "forty-two " + std::filesystem::canonical(dir.path()).string());
}

TEST(Process, WaitingEndsAtTheTimeoutOrAtEndOfStream) {
  Process sleeper({.argv = {"sleep", "30"}, .env = {}, .cwd = {}});
  const auto start = steady_clock::now();
  EXPECT_FALSE(sleeper.wait_for_prefix(Stream::out, "never", milliseconds(200)));
  EXPECT_GE(steady_clock::now() - start, milliseconds(200));
  EXPECT_FALSE(sleeper.exit_code());
  EXPECT_FALSE(sleeper.wait(milliseconds(50)));

  Process quitter(
      {.argv = {"sh", "-c", "echo partial-line-without-newline"}, .env = {}, .cwd = {}});
  EXPECT_EQ(quitter.wait_for_prefix(Stream::out, "partial", kShort),
            "partial-line-without-newline");
  EXPECT_FALSE(quitter.wait_for_prefix(Stream::out, "never", milliseconds(20'000)));
}

TEST(Process, TerminateSendsSigtermThenKills) {
  Process polite({.argv = {"sleep", "30"}, .env = {}, .cwd = {}});
  EXPECT_EQ(polite.terminate(), 128 + SIGTERM);
  Process stubborn(
      {.argv = {"sh", "-c", "trap '' TERM; echo armed; sleep 30"}, .env = {}, .cwd = {}});
  ASSERT_TRUE(stubborn.wait_for_prefix(Stream::out, "armed", kShort));
  const auto start = steady_clock::now();
  const int code = stubborn.terminate(milliseconds(300));
  EXPECT_TRUE(code == 128 + SIGKILL) << code;
  EXPECT_LT(steady_clock::now() - start, kShort);
  EXPECT_EQ(stubborn.kill(), code);  // already reaped: the same answer, no signal sent
}

TEST(Process, AProgramThatCannotRunThrows) {
  EXPECT_THROW(Process({.argv = {"/nonexistent/edugate-itest"}, .env = {}, .cwd = {}}),
               std::system_error);
  EXPECT_THROW(Process({.argv = {"no-such-program-edugate-itest"}, .env = {}, .cwd = {}}),
               std::system_error);
}

TEST(RunCommand, CollectsOutputAndKillsOnTimeout) {
  const CommandResult ok = run_command({"sh", "-c", "printf out; printf err >&2"}, kShort);
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.out, "out");
  EXPECT_EQ(ok.err, "err");
  EXPECT_FALSE(ok.timed_out);
  const auto start = steady_clock::now();
  const CommandResult slow = run_command({"sleep", "30"}, milliseconds(200));
  EXPECT_TRUE(slow.timed_out);
  EXPECT_EQ(slow.exit_code, 128 + SIGKILL);
  EXPECT_LT(steady_clock::now() - start, kShort);
}

TEST(TempDir, HoldsFilesAndIsRemoved) {
  std::filesystem::path where;
  {
    TempDir dir;
    where = dir.path();
    EXPECT_TRUE(std::filesystem::is_directory(where));
    const auto file = dir.write("sub.txt", "content");
    EXPECT_EQ(read_file(file), "content");
  }
  EXPECT_FALSE(std::filesystem::exists(where));
}

TEST(TestPki, OpensslAcceptsTheChainAndNames) {
  TempDir dir;
  const TestPki pki = make_test_pki(dir.path(), {"www.example.test"});
  const CommandResult verify = run_command({"openssl", "verify", "-CAfile", pki.ca_cert.string(),
                                            "-purpose", "sslserver", pki.server_cert.string()},
                                           kShort);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  for (const char* name : {"localhost", "origin.test", "www.example.test"}) {
    const CommandResult check = run_command(
        {"openssl", "x509", "-noout", "-in", pki.server_cert.string(), "-checkhost", name}, kShort);
    EXPECT_NE(check.out.find("does match"), std::string::npos) << name << check.out;
  }
  const CommandResult ip = run_command(
      {"openssl", "x509", "-noout", "-in", pki.server_cert.string(), "-checkip", "127.0.0.1"},
      kShort);
  EXPECT_NE(ip.out.find("does match"), std::string::npos) << ip.out;
  EXPECT_NE(read_file(pki.ca_key).find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(read_file(pki.server_key).find("PRIVATE KEY"), std::string::npos);
}

/// A stand-in for edugate: checks `run --config <file>`, echoes the file, then `after_config`.
std::filesystem::path fake_edugate(const TempDir& dir, std::string_view after_config) {
  const auto script =
      dir.write("fake-edugate", std::string("#!/bin/sh\n"
                                            "[ \"$1\" = run ] && [ \"$2\" = --config ] || exit 64\n"
                                            "cat \"$3\"\n") +
                                    std::string(after_config));
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  return script;
}

TEST(EdugateProcess, WritesTheConfigAndReadsThePorts) {
  TempDir dir;
  const auto script = fake_edugate(
      dir,
      "echo 'edugate: loading' >&2\n"
      "echo '[info] edugate ready: proxy 127.0.0.1:40001, [::1]:40002 admin 127.0.0.1:40003' >&2\n"
      "exec sleep 30\n");
  EdugateProcess edugate("listeners: [{address: 127.0.0.1:0}]\n",
                         {.binary = script.string(), .extra_args = {}, .env = {}});
  EXPECT_EQ(edugate.proxy(), (Endpoint{"127.0.0.1", 40001}));
  EXPECT_EQ(edugate.ready().proxies.size(), 2u);
  EXPECT_EQ(edugate.admin(), (Endpoint{"127.0.0.1", 40003}));
  EXPECT_EQ(read_file(edugate.config_path()), "listeners: [{address: 127.0.0.1:0}]\n");
  EXPECT_TRUE(edugate.process().wait_for_prefix(Stream::out, "listeners:", kShort));
  EXPECT_NE(edugate.log().find("edugate: loading"), std::string::npos);
}

TEST(EdugateProcess, AFailedStartThrowsWithItsStderr) {
  TempDir dir;
  const auto script = fake_edugate(dir, "echo 'edugate.yaml:1:1: unknown key' >&2\nexit 1\n");
  try {
    EdugateProcess edugate("nonsense: 1\n",
                           {.binary = script.string(), .extra_args = {}, .env = {}});
    FAIL() << "expected the start to fail";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("exited with code 1"), std::string::npos) << what;
    EXPECT_NE(what.find("unknown key"), std::string::npos) << what;
  }
}

TEST(EdugateProcess, SilenceEndsAtTheReadyTimeout) {
  TempDir dir;
  const auto script = fake_edugate(dir, "exec sleep 30\n");
  const auto start = steady_clock::now();
  EXPECT_THROW(EdugateProcess("{}\n", {.binary = script.string(),
                                       .extra_args = {},
                                       .env = {},
                                       .ready_timeout = milliseconds(300)}),
               std::runtime_error);
  EXPECT_LT(steady_clock::now() - start, kShort);
}

TEST(Curl, ReturnsWhatItFetched) {
  // curl reading a local file: exercises the wrapper without any server.
  TempDir dir;
  const auto file = dir.write("body.txt", "hello");
  const CommandResult run = curl({"file://" + file.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "hello");
}

}  // namespace
}  // namespace edugate::itest
