// Runs the real `edugate` binary the way an admin does, on the shipped etc/ files and on copies
// of them, and checks exit codes and output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/unit/rules/support/temp_tree.hpp"

namespace edugate::rules {
namespace {

namespace fs = std::filesystem;

struct CliRun {
  int exit_code = -1;
  std::string output;  ///< stdout and stderr together
  bool has(std::string_view s) const { return output.find(s) != std::string::npos; }
};

CliRun edugate(const std::string& args) {
  const std::string command = std::string(EDUGATE_BINARY) + " " + args + " 2>&1";
  CliRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buf;
  while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe))
    run.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

const std::string kEtc = std::string(EDUGATE_SOURCE_DIR) + "/etc";
const std::string kConfig = kEtc + "/edugate.yaml";

/// A copy of the shipped etc/ tree that a test may change.
class EtcCopy {
 public:
  EtcCopy() { fs::copy(kEtc, tree_.path("etc"), fs::copy_options::recursive); }
  std::string path(const std::string& rel) const { return tree_.path("etc/" + rel); }
  void write(const std::string& rel, std::string_view text) const {
    tree_.write("etc/" + rel, text);
  }
  void append(const std::string& rel, std::string_view text) const {
    std::ofstream(path(rel), std::ios::app) << text;
  }

 private:
  testing::TempTree tree_;
};

TEST(EdugateCheck, ShippedConfigPassesAndListsCategoriesAndGroups) {
  const CliRun r = edugate("check " + kConfig);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.has("appliance config OK")) << r.output;
  EXPECT_TRUE(r.has("19 categories:")) << r.output;
  EXPECT_TRUE(r.has("Trò chơi 16+ / Games rated 16+")) << r.output;
  EXPECT_TRUE(r.has("7 groups")) << r.output;
  EXPECT_TRUE(r.has("Cờ bạc, cá độ / Gambling")) << r.output;
  EXPECT_TRUE(r.has("kiem-thu     age thcs      127.0.0.0/8")) << r.output;
  EXPECT_FALSE(r.has("warning")) << r.output;
}

// `check` reads the config the way `run` does (server::prepare_startup): a pages directory
// that `run` cannot load fails `check` too (it used to pass, and `run` then refused to start).
TEST(EdugateCheck, RefusesWhatRunRefusesBeyondTheRules) {
  EtcCopy etc;
  etc.append("edugate.yaml", "pages: no-such-pages\n");
  const CliRun check = edugate("check " + etc.path("edugate.yaml"));
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_TRUE(check.has(etc.path("no-such-pages/block.html") + ": cannot open page template"))
      << check.output;
  EXPECT_TRUE(check.has("edugate would refuse to start")) << check.output;
  // `run` refuses the same config, at once and with the same message.
  const CliRun run = edugate("run --config " + etc.path("edugate.yaml"));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(run.has(etc.path("no-such-pages/block.html") + ": cannot open page template"))
      << run.output;
  // And `explain` will not explain rules that would not be enforced.
  const CliRun explain =
      edugate("explain http://example.com/ --config " + etc.path("edugate.yaml"));
  EXPECT_EQ(explain.exit_code, 1) << explain.output;
}

// A school CA that is missing (or expired, or unreadable) stops `run` in each worker; `check`
// reads it the same way and says so, instead of passing a config the proxy cannot start with.
TEST(EdugateCheck, RefusesAnInspectionCaThatRunCannotLoad) {
  EtcCopy etc;
  etc.append("edugate.yaml", "inspection: {ca_cert: ca/missing.pem, ca_key: ca/missing.key}\n");
  const CliRun check = edugate("check " + etc.path("edugate.yaml"));
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_TRUE(check.has("inspection: ")) << check.output;
  EXPECT_TRUE(check.has("missing.pem") || check.has("missing.key")) << check.output;
  EXPECT_TRUE(check.has("edugate would refuse to start")) << check.output;
  // With a real CA (as `edugate ca init` makes it) the same config passes.
  EtcCopy good;
  const CliRun init = edugate("ca init --out " + good.path("ca") + " --name Test");
  ASSERT_EQ(init.exit_code, 0) << init.output;
  good.append("edugate.yaml",
              "inspection: {ca_cert: ca/school-ca.pem, ca_key: ca/school-ca.key}\n");
  const CliRun ok = edugate("check " + good.path("edugate.yaml"));
  EXPECT_EQ(ok.exit_code, 0) << ok.output;

  // explain, for a group whose HTTPS is inspected, also decides the request inside the tunnel
  // on its full URL, as the proxy does: kenh14.vn is allowed as a host, its /game path is not.
  std::ifstream in(good.path("rules/school.yaml"));
  std::string school((std::istreambuf_iterator<char>(in)), {});
  const std::string net = "    networks: [127.0.0.0/8]\n";
  ASSERT_NE(school.find(net), std::string::npos);
  school.replace(school.find(net), net.size(), net + "    policy:\n      inspect: all\n");
  good.write("rules/school.yaml", school);
  const CliRun e = edugate(
      "explain https://kenh14.vn/game/abc --client-ip 127.0.0.1 --at "
      "\"2026-11-23 10:00\" --config " +
      good.path("edugate.yaml"));
  EXPECT_EQ(e.exit_code, 0) << e.output;
  const auto inside =
      e.output.find("inside the inspected tunnel, the request itself (GET /game/abc)");
  ASSERT_NE(inside, std::string::npos) << e.output;
  EXPECT_EQ(e.output.substr(e.output.find("decision:   "), 17), "decision:   ALLOW") << e.output;
  EXPECT_EQ(e.output.substr(e.output.find("decision:   ", inside), 17), "decision:   BLOCK")
      << e.output;
  // With a port of its own: the CONNECT goes there (and is pointed out as outside
  // connect_ports), the path inside is the URL's.
  const CliRun port = edugate(
      "explain https://kenh14.vn:8443/game/abc?x=1 --client-ip 127.0.0.1 "
      "--at \"2026-11-23 10:00\" --config " +
      good.path("edugate.yaml"));
  EXPECT_EQ(port.exit_code, 0) << port.output;
  EXPECT_TRUE(port.has("CONNECT kenh14.vn:8443")) << port.output;
  EXPECT_TRUE(port.has("port 8443 is not in connect_ports")) << port.output;
  EXPECT_TRUE(port.has("the request itself (GET /game/abc?x=1)")) << port.output;
}

TEST(EdugateCheck, SchoolAllowingAMandatoryCategoryFails) {
  EtcCopy etc;
  etc.write("rules/school.yaml", R"(groups:
  - id: thcs
    labels: {vi: "THCS", en: "Lower secondary"}
    age: thcs
    networks: [10.30.0.0/16, 10.31.0.7/32]
    policy:
      allow: [co-bac]
)");
  const CliRun r = edugate("check " + etc.path("edugate.yaml"));
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(r.has(etc.path("rules/school.yaml") + ":5:30: '10.31.0.7/32' is a single address"))
      << r.output;
  EXPECT_TRUE(r.has("edugate would refuse to start")) << r.output;
  etc.write("rules/school.yaml", R"(groups:
  - id: thcs
    labels: {vi: "THCS", en: "Lower secondary"}
    age: thcs
    networks: [10.30.0.0/16]
    policy:
      allow: [co-bac]
)");
  const CliRun again = edugate("check " + etc.path("edugate.yaml"));
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_TRUE(again.has(etc.path("rules/school.yaml") +
                        ":7:15: category 'co-bac' is mandatory (set by the department at"))
      << again.output;
}

TEST(EdugateExplain, MandatoryBlockWithFileLine) {
  const CliRun r = edugate(
      "explain http://www.fb88.com/ca-cuoc --group thcs --at \"2026-11-23 10:15\" "
      "--config " +
      kConfig);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.has("decision:   BLOCK")) << r.output;
  EXPECT_TRUE(r.has("rule:       " + kEtc +
                    "/rules/department/lists/co-bac.hosts:2  domain "
                    "'fb88.com'"))
      << r.output;
  EXPECT_TRUE(r.has("'co-bac' is a mandatory category")) << r.output;
}

TEST(EdugateExplain, GamesScheduleBoundaries) {
  const auto decision = [](const char* when) {
    const CliRun r = edugate(std::string("explain https://www.roblox.com/ --group thcs --at \"") +
                             when + "\" --config " + kConfig);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const auto at = r.output.find("decision:   ");
    return at == std::string::npos ? std::string("?") : r.output.substr(at + 12, 5);
  };
  EXPECT_EQ(decision("2026-11-23 06:59"), "ALLOW");  // Monday
  EXPECT_EQ(decision("2026-11-23 07:00"), "BLOCK");
  EXPECT_EQ(decision("2026-11-27 16:29"), "BLOCK");  // Friday
  EXPECT_EQ(decision("2026-11-27 16:30"), "ALLOW");
  EXPECT_EQ(decision("2026-11-28 10:00"), "ALLOW");  // Saturday
  const CliRun r = edugate(
      "explain https://www.roblox.com/ --group thcs --at \"2026-11-23 10:00\" "
      "--config " +
      kConfig);
  EXPECT_TRUE(r.has("profile thcs: block tro-choi-12 during gio-hoc — schedule active now"))
      << r.output;
}

TEST(EdugateExplain, ClientIpPicksTheGroupAndUnknownGroupFails) {
  const CliRun r = edugate(
      "explain http://facebook.com/ --client-ip 127.0.0.1 --at \"2026-11-23 "
      "10:00\" --config " +
      kConfig);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.has("group:      kiem-thu")) << r.output;
  const CliRun bad = edugate("explain http://facebook.com/ --group lop-9 --config " + kConfig);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_TRUE(bad.has("unknown group 'lop-9'; groups: default mam-non")) << bad.output;
}

TEST(EdugateImport, WritesACategoryFileThatLoads) {
  EtcCopy etc;
  etc.write("lists/extra.hosts", "0.0.0.0 extra-casino.example\n0.0.0.0 extra-casino.example\n");
  const CliRun r = edugate("import hosts " + etc.path("lists/extra.hosts") +
                           " --category co-bac-them --label-vi \"Cờ bạc (bổ sung)\" --label-en "
                           "\"Gambling (extra)\" --mandatory -o " +
                           etc.path("rules/department/co-bac-them.yaml"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(r.has("category 'co-bac-them' with 1 domains")) << r.output;
  const CliRun check = edugate("check " + etc.path("edugate.yaml"));
  EXPECT_EQ(check.exit_code, 0) << check.output;
  const auto start = check.output.find("\n  co-bac-them ");
  ASSERT_NE(start, std::string::npos) << check.output;
  const std::string line =
      check.output.substr(start + 1, check.output.find('\n', start + 1) - start);
  EXPECT_NE(line.find(" mandatory "), std::string::npos) << line;
  EXPECT_NE(line.find(" 1 domains"), std::string::npos) << line;
  EXPECT_NE(line.find("Cờ bạc (bổ sung) / Gambling (extra)"), std::string::npos) << line;
  const CliRun explain =
      edugate("explain http://extra-casino.example/ --group giao-vien --config " +
              etc.path("edugate.yaml"));
  EXPECT_TRUE(explain.has("decision:   BLOCK")) << explain.output;
}

TEST(EdugateRulesBundle, KeygenSignVerifyAndRefuseTampering) {
  EtcCopy etc;
  const std::string dept = etc.path("rules/department");
  ASSERT_EQ(edugate("rules keygen --out " + etc.path("keys") + " --name so-gddt").exit_code, 0);
  EXPECT_EQ(fs::status(etc.path("keys/so-gddt.key.pem")).permissions() & fs::perms::group_read,
            fs::perms::none);
  const CliRun sign = edugate("rules sign --key " + etc.path("keys/so-gddt.key.pem") + " " + dept);
  EXPECT_EQ(sign.exit_code, 0) << sign.output;
  const CliRun ok =
      edugate("rules verify --pubkey " + etc.path("keys/so-gddt.pub.pem") + " " + dept);
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(ok.has("signature OK")) << ok.output;
  std::string config;
  {
    std::ifstream in(etc.path("edugate.yaml"));
    config.assign(std::istreambuf_iterator<char>(in), {});
  }
  const auto at = config.find("  # department_pubkey:");
  ASSERT_NE(at, std::string::npos);
  config.replace(at, 4, "  ");  // uncomment: department_pubkey: keys/so-gddt.pub.pem
  etc.write("edugate.yaml", config);
  EXPECT_EQ(edugate("check " + etc.path("edugate.yaml")).exit_code, 0);

  etc.append("rules/department/lists/co-bac.hosts", "0.0.0.0 sneaky.example\n");
  const CliRun tampered =
      edugate("rules verify --pubkey " + etc.path("keys/so-gddt.pub.pem") + " " + dept);
  EXPECT_EQ(tampered.exit_code, 1) << tampered.output;
  EXPECT_TRUE(tampered.has("lists/co-bac.hosts: content differs from the signed manifest"))
      << tampered.output;
  const CliRun refused = edugate("check " + etc.path("edugate.yaml"));
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_TRUE(refused.has("refused: ")) << refused.output;
}

}  // namespace
}  // namespace edugate::rules
