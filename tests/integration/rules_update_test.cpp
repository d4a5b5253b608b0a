// rules.update end to end: the real binary polls a site that `edugate rules publish` wrote,
// served over HTTPS by python3's http.server (tests/integration/harness/https_site.py) with a
// test CA. Each attack a department site can suffer (rollback, freeze, a tampered, truncated,
// mixed-up, hostile or foreign-signed bundle) is staged for real and must leave the bundle in
// force serving, with a clear log line.

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "rules/signing/ed25519.hpp"
#include "rules/signing/sha256.hpp"
#include "rules/update/archive.hpp"
#include "rules/update/metadata.hpp"
#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/test_pki.hpp"
#include "tests/integration/harness/wrk.hpp"

namespace edugate::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

/// A department bundle whose mandatory category blocks `marker` (a host only this version
/// lists) and blocked.test, plus `filler` more entries.
std::string bundle_rules(const std::string& marker, int filler = 0) {
  std::string more;
  for (int i = 0; i < filler; ++i) more += ", f" + std::to_string(i) + ".test";
  return "categories:\n  - id: xau\n    labels: {vi: \"Nội dung xấu\", en: \"Harmful\"}\n"
         "    mandatory: true\n    domains: [blocked.test, " +
         marker + more +
         "]\n"
         "  - id: tro-choi\n    labels: {vi: \"Trò chơi\", en: \"Games\"}\n"
         "    domains: [games.test]\n";
}

std::string edugate_cli() { return edugate_binary(); }

/// The department: a key pair, bundle directories and the published site, served over HTTPS.
class Department {
 public:
  Department() {
    pki_ = make_test_pki(dir_.path());
    const auto r = run_command(
        {edugate_cli(), "rules", "keygen", "--out", keys().string(), "--name", "so"}, 10s);
    if (r.exit_code != 0) throw std::runtime_error("keygen: " + r.err);
    fs::create_directories(site());
  }
  fs::path keys() const { return dir_.path() / "keys"; }
  fs::path pubkey() const { return keys() / "so.pub.pem"; }
  fs::path site() const { return dir_.path() / "site"; }
  const TestPki& pki() const { return pki_; }

  /// A copy of the site that is not served: a test alters what it publishes there, then
  /// go_live() puts it on the site (archives first, current.json last, by rename), so that an
  /// appliance never sees the unaltered version in between, however slow the machine.
  fs::path aside() const { return dir_.path() / "aside"; }
  void start_aside() const {
    fs::remove_all(aside());
    fs::copy(site(), aside(), fs::copy_options::recursive);
  }
  void go_live() const {
    for (const auto& f : fs::directory_iterator(aside()))
      if (f.path().extension() == ".gz")
        fs::copy_file(f.path(), site() / f.path().filename(), fs::copy_options::overwrite_existing);
    fs::rename(aside() / "current.json", site() / "current.json");
  }

  /// Writes a bundle directory and publishes it as `version` (into `out`, by default the site);
  /// returns the command's result.
  CommandResult publish(int version, const std::string& rules, std::vector<std::string> extra = {},
                        const fs::path& key = {}, const fs::path& out = {}) {
    const fs::path bundle = dir_.path() / ("bundle-" + std::to_string(version));
    fs::remove_all(bundle);
    fs::create_directories(bundle);
    std::ofstream(bundle / "categories.yaml") << rules;
    std::vector<std::string> argv = {edugate_cli(),
                                     "rules",
                                     "publish",
                                     "--key",
                                     (key.empty() ? keys() / "so.key.pem" : key).string(),
                                     "--version",
                                     std::to_string(version)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {bundle.string(), "-o", (out.empty() ? site() : out).string()});
    return run_command(argv, 30s);
  }
  void publish_ok(int version, const std::string& rules, std::vector<std::string> extra = {}) {
    const auto r = publish(version, rules, std::move(extra));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string current(const fs::path& where = {}) const {
    return read_file((where.empty() ? site() : where) / "current.json");
  }
  void set_current(const std::string& text) const {
    std::ofstream(site() / "current.json", std::ios::trunc) << text;
  }
  /// The archive current.json names (in `where`, by default the site).
  fs::path archive(const fs::path& where = {}) const {
    std::string error;
    const auto m = rules::update::parse_metadata(current(where), error);
    return (where.empty() ? site() : where) / m.value().metadata.archive_name;
  }

  /// Signs metadata for arbitrary archive bytes with the department's key (a compromised build
  /// machine, say): the archive's own content must still be refused by the appliance.
  void publish_raw_archive(int version, const std::string& bytes) {
    std::string error;
    const auto key = rules::signing::load_private_key(read_file(keys() / "so.key.pem"), error);
    rules::update::Metadata m;
    m.version = static_cast<std::uint64_t>(version);
    m.created = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
    m.expires = m.created + 86400;
    m.archive_sha256 = rules::signing::sha256_hex(bytes);
    m.archive_name = m.archive_sha256 + ".tar.gz";
    m.archive_size = bytes.size();
    m.entries = 3;
    m.key_id = rules::update::key_id(rules::signing::raw_public_key(key.get()).value());
    std::ofstream(site() / m.archive_name, std::ios::binary) << bytes;
    set_current(rules::update::write_metadata(m, key.get(), error).value());
  }

  /// A gzip tar made by python's tarfile with one hostile member (`kind`: "dotdot", "symlink").
  std::string hostile_archive(const std::string& kind) const {
    const fs::path out = dir_.path() / ("hostile-" + kind + ".tar.gz");
    const std::string script =
        "import io, sys, tarfile\n"
        "t = tarfile.open(sys.argv[1], 'w:gz')\n"
        "def add(name, data):\n"
        "    i = tarfile.TarInfo(name); i.size = len(data); t.addfile(i, io.BytesIO(data))\n"
        "add('categories.yaml', open(sys.argv[3], 'rb').read())\n"
        "if sys.argv[2] == 'dotdot': add('../escaped.yaml', b'x')\n"
        "else:\n"
        "    i = tarfile.TarInfo('lists.txt'); i.type = tarfile.SYMTYPE; i.linkname = "
        "'/etc/passwd'\n"
        "    t.addfile(i)\n"
        "t.close()\n";
    const fs::path rules = dir_.path() / "hostile-rules.yaml";
    std::ofstream(rules) << bundle_rules("hostile.test");
    const auto r = run_command({"python3", "-c", script, out.string(), kind, rules.string()}, 20s);
    if (r.exit_code != 0) throw std::runtime_error("python tarfile: " + r.err);
    return read_file(out);
  }

 private:
  TempDir dir_{"edugate-department"};
  TestPki pki_;
};

/// python3 serving the site over HTTPS; `slow`: bytes per second for response bodies.
class SiteServer {
 public:
  explicit SiteServer(const Department& d, int slow = 0)
      : process_(ProcessOptions{
            .argv = {"python3",
                     std::string(EDUGATE_SOURCE_DIR) + "/tests/integration/harness/https_site.py",
                     "--dir", d.site().string(), "--cert", d.pki().server_cert.string(), "--key",
                     d.pki().server_key.string(), "--slow", std::to_string(slow)},
            .env = {},
            .cwd = {}}) {
    const auto line = process_.wait_for_prefix(Stream::out, "listening ", 10s);
    if (!line) throw std::runtime_error("https_site.py: " + process_.output(Stream::err));
    port_ = std::stoi(line->substr(10));
  }
  std::string url() const { return "https://localhost:" + std::to_string(port_) + "/"; }
  Process& process() { return process_; }

 private:
  Process process_;
  int port_ = 0;
};

/// The school: EnforcementSetup's rules as the fallback department set, plus rules.update.
struct School {
  EnforcementSetup setup;
  fs::path state = setup.dir.path() / "state";

  std::string config(const TestOrigin& origin, const Department& d, const SiteServer& site,
                     const std::string& more = {}) const {
    std::string c = setup.config(origin, "", nullptr);
    std::string hosts;
    for (const char* host :
         {"v1only.test", "v2only.test", "v3only.test", "hostile.test", "thief.test"})
      hosts += std::string("  ") + host + ": \"" + origin.endpoint().authority() + "\"\n";
    c.insert(c.find("upstream_overrides:\n") + 19 + 1, hosts);
    // The rules: section comes just before upstream_overrides: add update under it.
    const auto at = c.find("upstream_overrides:");
    c.insert(at, "  update:\n    url: " + site.url() + "\n    pubkey: " + d.pubkey().string() +
                     "\n    interval: 1s\n    ca: " + d.pki().ca_cert.string() +
                     "\n    state_dir: " + state.string() + "\n    stale_after: 3s\n" + more);
    return c;
  }
};

long long wait_for_metric(const EdugateProcess& e, std::string_view name, long long want,
                          milliseconds timeout = 15s) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  long long got = metric(e, name);
  while (got != want && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(100ms);
    got = metric(e, name);
  }
  return got;
}

bool log_says(EdugateProcess& e, const std::string& pattern, milliseconds timeout = 15s) {
  return e.process().wait_for_line(Stream::err, std::regex(pattern), timeout).has_value();
}

int status_of(const EdugateProcess& e, const std::string& url) { return via(e, {url}).status; }

class RulesUpdate : public ::testing::Test {
 protected:
  Department department;
  School school;
  TestOrigin origin;
};

TEST_F(RulesUpdate, PublishOnlyGrowsVersionsAndPublishesNothingBroken) {
  department.publish_ok(3, bundle_rules("v1only.test"));
  const auto metadata = department.current();
  for (const int version : {3, 2}) {
    const auto r = department.publish(version, bundle_rules("v2only.test"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("is not above version 3 already published"), std::string::npos) << r.err;
  }
  // A bundle the appliances would refuse (a YAML error; a mandatory category with nothing in it).
  auto broken = department.publish(4, "categories:\n  - id: [\n");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("the bundle does not load; nothing published"), std::string::npos)
      << broken.err;
  broken = department.publish(4,
                              "categories:\n  - id: xau\n    labels: {vi: X, en: X}\n"
                              "    mandatory: true\n    domains: []\n");
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("fails the self-test appliances run"), std::string::npos) << broken.err;
  EXPECT_EQ(department.current(), metadata);  // nothing was published
}

TEST_F(RulesUpdate, PicksUpV1ThenV2UnderLoadWithoutARestartAndRefusesRollback) {
  department.publish_ok(1, bundle_rules("v1only.test"));
  const auto v1_metadata = department.current();
  SiteServer site(department);
  EdugateProcess edugate{school.config(origin, department, site), school.setup.options()};
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 1), 1) << edugate.log();
  EXPECT_EQ(status_of(edugate, "http://v1only.test/"), 403);
  EXPECT_EQ(status_of(edugate, "http://allowed.test/bytes/16"), 200);

  // v2 lands at the next poll while wrk keeps the proxy busy: no request fails.
  const auto script = school.setup.dir.write("proxy.lua", kWrkProxyScript);
  Process wrk({.argv = {"wrk", "-t1", "-c8", "-d6s", "-s", script.string(), edugate.proxy().url()},
               .env = {"TARGET=http://allowed.test/bytes/512"},
               .cwd = {}});
  std::this_thread::sleep_for(1500ms);
  department.publish_ok(2, bundle_rules("v2only.test"));
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 2), 2) << edugate.log();
  const auto result = wrk.wait_for_prefix(Stream::out, "RESULT", 20s);
  ASSERT_TRUE(result) << wrk.output(Stream::err);
  const auto counted = parse_wrk_result(*result);
  ASSERT_TRUE(counted) << *result;
  EXPECT_GT(counted->requests, 200) << *result;
  EXPECT_EQ(counted->failed(), 0) << *result;
  EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);
  EXPECT_EQ(status_of(edugate, "http://v1only.test/bytes/16"), 200);  // v1's list is gone

  // Someone puts v1's signed metadata back (its archive is still on the site): refused.
  department.set_current(v1_metadata);
  EXPECT_TRUE(log_says(edugate,
                       "version 1 is older than version 2 already accepted \\(rollback "
                       "refused\\)"))
      << edugate.log();
  EXPECT_EQ(metric(edugate, "edugate_rules_bundle_version"), 2);
  EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);
  EXPECT_GE(metric(edugate, "edugate_rules_update_failures_total"), 1);

  // The mark survives a restart, and the restart loads v2 from the state directory before any
  // network: the site still serves v1.
  edugate.process().kill();
  EdugateProcess again{school.config(origin, department, site), school.setup.options()};
  EXPECT_EQ(status_of(again, "http://v2only.test/"), 403) << again.log();
  EXPECT_EQ(metric(again, "edugate_rules_bundle_version"), 2);
  EXPECT_TRUE(log_says(again, "rollback refused")) << again.log();
  EXPECT_EQ(status_of(again, "http://v2only.test/"), 403);

  // Every rules.update metric the shipped alerts read is exported (report_api_test checks the
  // rest on an appliance without rules.update).
  const auto update_names = alert_metric_names("edugate_rules_(bundle|update)_[a-z0-9_]+");
  EXPECT_GE(update_names.size(), 3u);
  EXPECT_EQ(not_exported(curl({again.admin().url() + "/metrics"}).out, update_names),
            std::vector<std::string>{});

  // `edugate rules status` tells the admin what is in force and why the last check failed.
  const auto status =
      run_command({edugate_cli(), "rules", "status", "-c", again.config_path().string()}, 10s);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("in force:       version 2 (signature verified)"), std::string::npos)
      << status.out;
  EXPECT_NE(status.out.find("last attempt FAILED"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("rollback refused"), std::string::npos) << status.out;
}

TEST_F(RulesUpdate, EveryBadBundleIsRefusedWithAClearLineAndNoChange) {
  department.publish_ok(2, bundle_rules("v2only.test", 20));
  SiteServer site(department);
  EdugateProcess edugate{school.config(origin, department, site), school.setup.options()};
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 2), 2) << edugate.log();

  struct Attack {
    std::string what;
    std::function<void()> stage;
    std::string log;  // regex of the line that must explain the refusal
  };
  fs::path other_keys = school.setup.dir.path() / "other";
  const std::vector<Attack> attacks = {
      {"truncated archive",
       [&] {
         department.start_aside();
         ASSERT_EQ(
             department.publish(3, bundle_rules("v3only.test", 20), {}, {}, department.aside())
                 .exit_code,
             0);
         const auto a = department.archive(department.aside());
         fs::resize_file(a, fs::file_size(a) - 100);
         department.go_live();
       },
       "bytes, not the \\d+ current.json signs \\(truncated\\?\\)"},
      {"wrong hash (same size, one byte changed)",
       [&] {
         department.start_aside();
         ASSERT_EQ(
             department.publish(4, bundle_rules("v4only.test", 20), {}, {}, department.aside())
                 .exit_code,
             0);
         const auto a = department.archive(department.aside());
         auto bytes = read_file(a);
         bytes[bytes.size() / 2] ^= 0x20;
         std::ofstream(a, std::ios::binary | std::ios::trunc) << bytes;
         department.go_live();
       },
       "SHA-256 [0-9a-f]+ is not the [0-9a-f]+ that current.json signs"},
      {"bad signature (version edited)",
       [&] {
         department.start_aside();
         ASSERT_EQ(
             department.publish(5, bundle_rules("v3only.test", 20), {}, {}, department.aside())
                 .exit_code,
             0);
         auto text = department.current(department.aside());
         text = std::regex_replace(text, std::regex("\"entries\": \\d+"), "\"entries\": 99999");
         std::ofstream(department.aside() / "current.json", std::ios::trunc) << text;
         department.go_live();
       },
       "the signature does not verify with key"},
      {"signed by another key",
       [&] {
         ASSERT_EQ(run_command({edugate_cli(), "rules", "keygen", "--out", other_keys.string(),
                                "--name", "evil"},
                               10s)
                       .exit_code,
                   0);
         ASSERT_EQ(
             department.publish(6, bundle_rules("v3only.test", 20), {}, other_keys / "evil.key.pem")
                 .exit_code,
             0);
       },
       "signed by key [0-9a-f]+, which this appliance does not trust"},
      {"archive with ../",
       [&] { department.publish_raw_archive(7, department.hostile_archive("dotdot")); },
       "\\.\\./escaped\\.yaml\": refused"},
      {"archive with a symlink",
       [&] { department.publish_raw_archive(8, department.hostile_archive("symlink")); },
       "lists\\.txt: refused: a link"},
      {"mandatory category emptied",
       [&] {
         // Publish refuses an empty mandatory category itself; sign one by hand instead.
         const std::string rules =
             "categories:\n  - id: xau\n    labels: {vi: \"X\", en: \"X\"}\n"
             "    mandatory: true\n    domains: []\n"
             "  - id: tro-choi\n    labels: {vi: \"T\", en: \"G\"}\n"
             "    domains: [games.test, v3only.test]\n";
         std::string error;
         department.publish_raw_archive(
             10, rules::update::pack({{"categories.yaml", rules}}, error).value());
       },
       "version 10 fails the self-test: mandatory category xau has no entries"},
      {"lists cut by more than half",
       [&] { department.publish_ok(11, bundle_rules("v3only.test", 0)); },
       "version 11 fails the self-test: .*lost more than 50%"},
  };
  for (const auto& attack : attacks) {
    SCOPED_TRACE(attack.what);
    const auto failures = metric(edugate, "edugate_rules_update_failures_total");
    attack.stage();
    EXPECT_TRUE(log_says(edugate, attack.log)) << edugate.log();
    EXPECT_GT(wait_for_metric(edugate, "edugate_rules_update_failures_total", failures + 1),
              failures);
    EXPECT_EQ(metric(edugate, "edugate_rules_bundle_version"), 2);
    EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);
    EXPECT_EQ(status_of(edugate, "http://blocked.test/"), 403);
  }
  // The "../escaped.yaml" entry was written nowhere: not beside the staging directory it aimed
  // out of, not anywhere under the school's directory (the state directory's parent).
  for (const auto& e : fs::recursive_directory_iterator(school.setup.dir.path()))
    EXPECT_NE(e.path().filename(), "escaped.yaml") << e.path();
  // Only the bundle in force is on disk: nothing refused was left behind.
  std::vector<std::string> bundles;
  for (const auto& e : fs::directory_iterator(school.state / "bundles"))
    bundles.push_back(e.path().filename().string());
  EXPECT_EQ(bundles.size(), 1u);
  EXPECT_TRUE(bundles.front().starts_with("2-")) << bundles.front();

  // A deliberate cut, said so in the signed metadata, is accepted.
  department.publish_ok(12, bundle_rules("v3only.test", 0), {"--allow-shrink"});
  EXPECT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 12), 12) << edugate.log();
  EXPECT_EQ(status_of(edugate, "http://v3only.test/"), 403);
}

TEST_F(RulesUpdate, AnExpiredOrUnreachableSiteKeepsTheBundleAndShowsStale) {
  department.publish_ok(2, bundle_rules("v2only.test"));
  SiteServer site(department);
  EdugateProcess edugate{school.config(origin, department, site), school.setup.options()};
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 2), 2) << edugate.log();
  EXPECT_EQ(metric(edugate, "edugate_rules_bundle_stale"), 0);
  // A freeze: the site keeps serving metadata that has expired.
  // (Published aside and put on the site only once expired: an appliance polling every second
  // must never see it while it is still valid, however slow the machine.)
  department.start_aside();
  ASSERT_EQ(
      department
          .publish(3, bundle_rules("v3only.test"), {"--expires", "1s"}, {}, department.aside())
          .exit_code,
      0);
  std::this_thread::sleep_for(1500ms);
  department.go_live();
  EXPECT_TRUE(log_says(edugate,
                       "version 3 expired at .* \\(the department has not re-published: "
                       "stale\\)"))
      << edugate.log();
  EXPECT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_stale", 1), 1) << edugate.log();
  EXPECT_TRUE(log_says(edugate, "the department bundle is STALE")) << edugate.log();
  EXPECT_EQ(metric(edugate, "edugate_rules_bundle_version"), 2);
  EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);  // fail closed, never open
  const auto page = curl({edugate.admin().url() + "/"});
  EXPECT_NE(page.out.find("STALE"), std::string::npos);
  // The site goes away altogether: still v2, still filtering.
  site.process().kill();
  EXPECT_TRUE(log_says(edugate, "cannot connect to localhost")) << edugate.log();
  // Failing for longer than stale_after (3 s) since the first refusal: stale on that count.
  EXPECT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_stale", 1), 1) << edugate.log();
  EXPECT_EQ(metric(edugate, "edugate_rules_bundle_version"), 2);
  EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);
  EXPECT_EQ(status_of(edugate, "http://allowed.test/bytes/16"), 200);
}

TEST_F(RulesUpdate, KillingTheApplianceMidUpdateLeavesTheOldOrTheNewNeverAMix) {
  SiteServer fast(department);
  SiteServer slow(department, 40000);  // the v2 archive takes a few seconds
  // Round 1 kills edugate inside the download, round 2 once the archive is in (unpacking,
  // compiling or committing).
  for (const bool after_download : {false, true}) {
    SCOPED_TRACE(after_download ? "killed after the download" : "killed inside the download");
    fs::remove_all(school.state);
    fs::remove(department.site() / "current.json");
    department.publish_ok(1, bundle_rules("v1only.test", 2000));
    {
      EdugateProcess v1{school.config(origin, department, fast), school.setup.options()};
      ASSERT_EQ(wait_for_metric(v1, "edugate_rules_bundle_version", 1), 1) << v1.log();
    }
    fs::remove(department.site() / "current.json");
    department.publish_ok(2, bundle_rules("v2only.test", 40000));
    {
      EdugateProcess edugate{school.config(origin, department, slow), school.setup.options()};
      if (after_download)
        ASSERT_TRUE(log_says(edugate, "trying department bundle version 2", 30s)) << edugate.log();
      else
        std::this_thread::sleep_for(700ms);
      ::kill(edugate.process().pid(), SIGKILL);
      edugate.process().wait_for_eof(5s);
    }
    // Restarted: it starts (the state file is whole) on v1 or v2, each whole, and ends on v2.
    EdugateProcess again{school.config(origin, department, fast), school.setup.options()};
    const auto at_start = metric(again, "edugate_rules_bundle_version");
    EXPECT_TRUE(at_start == 1 || at_start == 2) << at_start;
    if (!after_download) {
      EXPECT_EQ(at_start, 1);
    }
    ASSERT_EQ(wait_for_metric(again, "edugate_rules_bundle_version", 2, 30s), 2) << again.log();
    EXPECT_EQ(status_of(again, "http://v2only.test/"), 403);
    EXPECT_EQ(status_of(again, "http://v1only.test/bytes/16"), 200);
    EXPECT_EQ(status_of(again, "http://blocked.test/"), 403);
  }
}

TEST_F(RulesUpdate, AReportSaysWhichBundleRanAndARepublicationOnlyMovesTheExpiryOn) {
  department.publish_ok(2, bundle_rules("v2only.test"));
  SiteServer site(department);
  EdugateProcess edugate{school.config(origin, department, site), school.setup.options()};
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 2), 2) << edugate.log();
  // The same bundle published again as version 3 (to move its expiry on): nothing is fetched or
  // compiled, the version in force becomes 3.
  department.publish_ok(3, bundle_rules("v2only.test"));
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 3), 3) << edugate.log();
  EXPECT_EQ(edugate.log().find("trying department bundle version 3"), std::string::npos)
      << edugate.log();
  EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);
  std::this_thread::sleep_for(2500ms);  // two flushes (flush_interval 1s)
  const auto report = run_command({edugate_cli(), "report", "weekly", "--week", "2026-W48",
                                   "--format", "json", "--config", edugate.config_path().string()},
                                  20s);
  ASSERT_EQ(report.exit_code, 0) << report.err;
  // Version 2 and then 3 were in force on the test clock's Monday, both fetched and verified
  // (and, for the moment before the first fetch, the unsigned local rules.department).
  const auto doc = nlohmann::json::parse(report.out);
  const auto& bundles = doc.at("schools").at(0).at("department_bundles");
  std::set<std::string> fetched;
  for (const auto& b : bundles) {
    EXPECT_EQ(b.at("from"), "2026-11-23");
    EXPECT_EQ(b.at("to"), "2026-11-23");
    if (b.at("source") == "update") {
      fetched.insert(b.at("version").get<std::string>());
      EXPECT_EQ(b.at("verified"), true);
    } else {
      EXPECT_EQ(b.at("source"), "local") << b.dump();
      EXPECT_EQ(b.at("verified"), false) << b.dump();
    }
  }
  EXPECT_EQ(fetched, (std::set<std::string>{"2", "3"})) << bundles.dump();
}

TEST_F(RulesUpdate, ReplacingALeakedKeyStartsAfreshAndDropsWhatTheOldKeySigned) {
  // The department's key leaks; the thief publishes a huge version naming the department's new
  // key as next (its public half is public), so that the new key would inherit the thief's mark.
  ASSERT_EQ(run_command({edugate_cli(), "rules", "keygen", "--out", department.keys().string(),
                         "--name", "new"},
                        10s)
                .exit_code,
            0);
  department.publish_ok(900000, bundle_rules("thief.test"),
                        {"--next-key", (department.keys() / "new.pub.pem").string()});
  SiteServer site(department);
  {
    EdugateProcess edugate{school.config(origin, department, site), school.setup.options()};
    ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 900000), 900000)
        << edugate.log();
  }
  // The admin pins the new key and restarts: the thief's bundle no longer serves (the local
  // rules.department does), and the department's real version 5 under the new key is accepted.
  fs::remove(department.site() / "current.json");
  ASSERT_EQ(
      department.publish(5, bundle_rules("v2only.test"), {}, department.keys() / "new.key.pem")
          .exit_code,
      0);
  std::string config = school.config(origin, department, site);
  const auto old_pin = department.pubkey().string();
  config.replace(config.find(old_pin), old_pin.size(),
                 (department.keys() / "new.pub.pem").string());
  EdugateProcess edugate{config, school.setup.options()};
  EXPECT_TRUE(log_says(edugate, "rules.update.pubkey changed: bundle version 900000"))
      << edugate.log();
  ASSERT_EQ(wait_for_metric(edugate, "edugate_rules_bundle_version", 5), 5) << edugate.log();
  EXPECT_EQ(status_of(edugate, "http://v2only.test/"), 403);
  EXPECT_EQ(status_of(edugate, "http://blocked.test/"), 403);
}

}  // namespace
}  // namespace edugate::itest
