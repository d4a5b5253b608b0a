// `edugate department serve`: schools' signed weekly reports pushed to the department's service
// on a real PostgreSQL 15 cluster (started by the harness, Unix socket only). Every refusal a
// hostile or broken sender can provoke is tried: a repeat, a revision, an unknown school, a
// forged signature, school A's key speaking for school B, malformed and merged documents, an
// over-size body, a school over its rate; then completeness and a registry reload that fails.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "reporting/bearer_token.hpp"
#include "reporting/calendar.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"
#include "rules/signing/sha256.hpp"
#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/cdp_browser.hpp"
#include "tests/integration/harness/curl.hpp"
#include "tests/integration/harness/edugate_process.hpp"
#include "tests/integration/harness/postgres_cluster.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/screenshot.hpp"
#include "tests/integration/harness/temp_dir.hpp"
#include "tests/integration/harness/test_pki.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

/// A school's weekly report for `week`, signed by `key` the way the appliance signs it.
std::string signed_report(const std::string& school, EVP_PKEY* key, const std::string& week,
                          std::uint64_t blocked, const std::string& kind = "school",
                          const std::string& age = "thcs", const std::string& node = "node-a",
                          const std::string& games_vi = "Trò chơi",
                          std::vector<reporting::SiteReportEntry> reported = {}) {
  reporting::Report r;
  r.kind = kind;
  r.period = *reporting::parse_iso_week(week);
  r.iso_week = week;
  r.generator = "edugate test";
  reporting::SchoolInfo s;
  s.id = school;
  s.name = "Trường " + school;
  s.nodes = {node};
  s.privacy.k = 10;
  r.schools.push_back(s);
  r.privacy.k = 10;
  r.categories["tro-choi"] = {"tro-choi", games_vi, "Games"};
  r.groups["hs"] = {"hs", "Học sinh", age};
  r.entries.push_back({r.period.from, "block", "tro-choi", "hs", blocked, 12, false, 0});
  r.entries.push_back({r.period.from, "block", "*", "*", blocked, 12, false, 0});
  r.site_reports = std::move(reported);
  auto doc = reporting::report_to_json(r);
  std::string error;
  EXPECT_TRUE(reporting::sign_report(doc, key, &error)) << error;
  return doc.dump();
}

struct School {
  std::string id;
  reporting::EvpPkey key;
};

School make_school(const std::string& id, const fs::path& dir) {
  School s{id, reporting::generate_ed25519(nullptr)};
  std::ofstream(dir / (id + ".pub")) << *reporting::public_key_pem(s.key.get(), nullptr);
  return s;
}

class DepartmentProcess {
 public:
  explicit DepartmentProcess(const fs::path& config)
      : process_(ProcessOptions{
            .argv = {edugate_binary(), "department", "serve", "--config", config.string()},
            .env = {},
            .cwd = {}}) {
    const auto line = process_.wait_for_line(
        Stream::err, std::regex(R"(serving https://127\.0\.0\.1:(\d+)/)"), 60s);
    if (!line) throw std::runtime_error("department serve: " + process_.output(Stream::err));
    std::smatch m;
    std::regex_search(*line, m, std::regex(R"(:(\d+)/)"));
    port_ = std::stoi(m[1]);
  }
  std::string base() const { return "https://localhost:" + std::to_string(port_); }
  int port() const { return port_; }
  Process& process() { return process_; }

 private:
  Process process_;
  int port_ = 0;
};

HttpReply post(const DepartmentProcess& d, const TestPki& pki, const fs::path& file) {
  return curl_http({"--cacert", pki.ca_cert.string(), "-H", "Content-Type: application/json",
                    "--data-binary", "@" + file.string(), d.base() + "/api/v1/reports"});
}

/// A department: a PostgreSQL cluster with its database, a test PKI for HTTPS, schools A and B
/// in the registry and an outsider's key, and a config with `extra` lines.
struct DepartmentSetup {
  TempDir work{"edugate-department"};
  TestPki pki;
  PostgresCluster pg;
  std::string conninfo;
  School a, b, outsider;
  std::string token = "department-analyst-token-0123456789";

  DepartmentSetup() {
    fs::create_directories(work.path() / "pki");
    pki = make_test_pki(work.path() / "pki");
    conninfo = pg.create_database("department");
    fs::create_directories(work.path() / "keys");
    a = make_school("thcs-a", work.path() / "keys");
    b = make_school("thcs-b", work.path() / "keys");
    outsider = make_school("thcs-x", work.path() / "keys");
    // Quoted, with a comma in a name, an Excel byte-order mark and a base64 key for school B.
    work.write("schools.csv",
               "\xEF\xBB\xBFschool_id,name,district,levels,public_key\n"
               "thcs-a,\"Trường THCS A, Quận 1\",Quận 1,thcs,keys/thcs-a.pub\n"
               "thcs-b,Trường THCS B,Huyện Cần Giờ,thcs;thpt," +
                   reporting::public_key_base64(b.key.get()) + "\n");
  }
  fs::path config(const std::string& extra) const {
    return work.write("department.yaml",
                      fmt::format("listen: 127.0.0.1:0\n"
                                  "tls: {{cert: {}, key: {}}}\n"
                                  "database: \"{}\"\n"
                                  "schools: schools.csv\n"
                                  "api_tokens: [\"{}\"]\n{}",
                                  pki.server_cert.string(), pki.server_key.string(), conninfo,
                                  reporting::hash_token(token), extra));
  }
};

TEST(Department, IngestStoresOnceRevisesAndRefusesWhatItMust) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup setup;
  auto& [work, pki, pg, conninfo, a, b, outsider, token] = setup;
  DepartmentProcess d(
      setup.config("max_report_size: 64KiB\nschool_reports_per_minute: 1\nschool_burst: 3\n"));

  // Last week (due within late_after, 48 h, of its end: on time) and an older one (late).
  const auto today = static_cast<reporting::LocalDay>(std::time(nullptr) / 86400);
  const std::string week = reporting::iso_week_of(today - 7);
  const std::string old_week = reporting::iso_week_of(today - 21);
  const auto first = work.write("a1.json", signed_report("thcs-a", a.key.get(), week, 40));
  auto r = post(d, pki, first);
  ASSERT_EQ(r.status, 201) << r.body << r.run.err;
  auto answer = json::parse(r.body);
  EXPECT_EQ(answer["sha256"], rules::signing::sha256_hex(read_file(first)));
  EXPECT_EQ(answer["stored"], "created");

  r = post(d, pki, first);  // a retry after a lost acknowledgement
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["stored"], "repeat");

  const auto second = work.write("a2.json", signed_report("thcs-a", a.key.get(), week, 41));
  r = post(d, pki, second);
  EXPECT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(json::parse(r.body)["stored"], "revision");
  EXPECT_EQ(json::parse(r.body)["revision"], 2);

  // Replays cost nothing and change nothing: the same report re-serialised (other bytes, the
  // same signed content) is a repeat, and replaying the first revision, even with a byte
  // added, cannot make it current again (anyone holding an old copy could roll a week back).
  r = post(d, pki, work.write("a1-pretty.json", json::parse(read_file(first)).dump(2)));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body)["revision"], 1);
  for (int i = 0; i < 3; ++i) {
    r = post(d, pki, work.write("a1-space.json", read_file(first) + " "));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(pg.psql("department", "SELECT revision FROM reports WHERE current"), "2\n");

  // A school's fourth new report inside a minute, with a burst of 3: 429 and when to retry.
  // The five replays above did not count: the third new report still passes.
  r = post(d, pki,
           work.write("a3.json",
                      signed_report("thcs-a", a.key.get(), reporting::iso_week_of(today - 28), 1)));
  EXPECT_EQ(r.status, 201) << r.body;
  r = post(d, pki,
           work.write("a4.json",
                      signed_report("thcs-a", a.key.get(), reporting::iso_week_of(today - 35), 1)));
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_TRUE(r.header("Retry-After").has_value());

  // Refusals: none of them may touch the database.
  r = post(d, pki, work.write("x.json", signed_report("thcs-x", outsider.key.get(), week, 5)));
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_NE(r.body.find("not in the department's registry"), std::string::npos) << r.body;

  // School A's key claiming to be school B (the document carries A's public key, which
  // verifies its own signature: only the registry's key for B may count).
  r = post(d, pki, work.write("ab.json", signed_report("thcs-b", a.key.get(), week, 5)));
  EXPECT_EQ(r.status, 401) << r.body;

  auto tampered = json::parse(signed_report("thcs-b", b.key.get(), week, 7));
  tampered["cells"][0]["requests"] = 0;
  r = post(d, pki, work.write("tampered.json", tampered.dump()));
  EXPECT_EQ(r.status, 401) << r.body;

  r = post(d, pki, work.write("bad.json", "{\"schema_version\": 2, \"kind\": \"school\""));
  EXPECT_EQ(r.status, 400) << r.body;
  r = post(d, pki,
           work.write("merged.json", signed_report("thcs-b", b.key.get(), week, 5, "merged")));
  EXPECT_EQ(r.status, 400) << r.body;
  r = post(d, pki, work.write("big.json", std::string(100 * 1024, ' ') + "{}"));
  EXPECT_EQ(r.status, 413) << r.body << r.run.err;

  // A leaked key cannot reach outside its own school, node and week: a period wider than the
  // week it names, a week name that is no week, a cell outside the week, a key that is not a
  // key, and a schema 2 report without its node are all refused before the database.
  const auto forge = [&](const std::function<void(json&)>& change) {
    auto doc = json::parse(signed_report("thcs-b", b.key.get(), week, 3));
    doc.erase("signature");
    change(doc);
    std::string error;
    EXPECT_TRUE(reporting::sign_report(doc, b.key.get(), &error)) << error;
    return post(d, pki, work.write("forged.json", doc.dump()));
  };
  for (const auto& change : std::vector<std::function<void(json&)>>{
           [](json& j) { j["period"]["from"] = "2000-01-03"; },
           [](json& j) { j["period"]["iso_week"] = "x"; },
           [](json& j) { j["cells"][0]["day"] = "2099-12-31"; },
           [](json& j) { j["cells"][0]["category"] = "a\tb\nc"; },
           [](json& j) { j["cells"][0]["action"] = "-2+cmd|' /C calc'!A0"; },
           [](json& j) { j["schools"][0]["nodes"] = json::array(); },
       }) {
    r = forge(change);
    EXPECT_EQ(r.status, 400) << r.body;
  }
  EXPECT_EQ(pg.psql("department", "SELECT count(*) FROM reports WHERE school_id = 'thcs-b'"),
            "0\n");

  // Anyone can provoke a refusal; what it echoes never forges a log line. A signature block
  // with members of the wrong type is refused, not a dropped connection.
  const std::string forged_line = "2026-12-01 08:00:00.000 info department: FORGED";
  auto spoof = json::parse(signed_report("thcs-a", outsider.key.get(), week, 1));
  spoof["signature"]["key_id"] = "\n" + forged_line;
  r = post(d, pki, work.write("spoof.json", spoof.dump()));
  EXPECT_EQ(r.status, 401) << r.body;
  spoof["signature"]["algorithm"] = 5;
  r = post(d, pki, work.write("spoof2.json", spoof.dump()));
  EXPECT_EQ(r.status, 401) << r.body << r.run.err;
  // (Refusals are logged once per 10 s, so this line may not have been logged at all: the body
  // check below and DepartmentIngest.ARefusalEchoesNothingTheSignatureDoesNotCover are what
  // prove the echo gone.)
  EXPECT_EQ(d.process().output(Stream::err).find("\n" + forged_line), std::string::npos);
  EXPECT_EQ(r.body.find(forged_line), std::string::npos) << r.body;

  // Completeness: the read API wants the token.
  const auto url = d.base() + "/api/v1/completeness?week=" + week;
  r = curl_http({"--cacert", pki.ca_cert.string(), url});
  EXPECT_EQ(r.status, 401);
  r = curl_http({"--cacert", pki.ca_cert.string(), "-H", "Authorization: Bearer wrong", url});
  EXPECT_EQ(r.status, 401);
  r = curl_http({"--cacert", pki.ca_cert.string(), "-H", "Authorization: Bearer " + token, url});
  ASSERT_EQ(r.status, 200) << r.body;
  answer = json::parse(r.body);
  EXPECT_EQ(answer["week"], week);
  EXPECT_EQ(answer["expected"], 2);
  EXPECT_EQ(answer["received"], 1);
  EXPECT_EQ(answer["missing"], json::array({"thcs-b"}));
  EXPECT_EQ(answer["late"], json::array());
  // The week's name is read, not compared as text: 2026-w48 is 2026-W48.
  auto lower = week;
  lower[5] = 'w';
  r = curl_http({"--cacert", pki.ca_cert.string(), "-H", "Authorization: Bearer " + token,
                 d.base() + "/api/v1/completeness?week=" + lower});
  EXPECT_EQ(json::parse(r.body)["received"], 1) << r.body;

  // What the database holds: two revisions of A's week, one current, cells for each.
  EXPECT_EQ(pg.psql("department", "SELECT count(*) FROM reports"), "3\n");
  EXPECT_EQ(
      pg.psql(
          "department",
          "SELECT revision FROM reports WHERE current AND school_id = 'thcs-a' AND iso_week = '" +
              week + "'"),
      "2\n");
  EXPECT_EQ(
      pg.psql("department",
              "SELECT sum(requests) FROM report_cells c JOIN reports r ON r.id = "
              "c.report_id WHERE r.current AND c.grp <> '*' AND c.age = 'thcs' AND r.iso_week = '" +
                  week + "'"),
      "41\n");
  EXPECT_EQ(pg.psql("department",
                    "SELECT array_to_string(levels, ';') FROM schools WHERE "
                    "school_id = 'thcs-b'"),
            "thcs;thpt\n");

  // A broken registry on SIGHUP: refused, the previous one stays in force (B still accepted).
  work.write("schools.csv", "school_id,name\nthcs-a,\"unterminated\n");
  ASSERT_EQ(kill(d.process().pid(), SIGHUP), 0);
  ASSERT_TRUE(d.process().wait_for_line(Stream::err, std::regex("registry reload refused"), 20s));
  r = post(d, pki, work.write("b1.json", signed_report("thcs-b", b.key.get(), old_week, 9)));
  EXPECT_EQ(r.status, 201) << r.body;
  r = curl_http({"--cacert", pki.ca_cert.string(), "-H", "Authorization: Bearer " + token,
                 d.base() + "/api/v1/completeness?week=" + old_week});
  ASSERT_EQ(r.status, 200) << r.body;
  answer = json::parse(r.body);
  EXPECT_EQ(answer["received"], 1);
  EXPECT_EQ(answer["missing"], json::array({"thcs-a"}));
  EXPECT_EQ(answer["late"], json::array({"thcs-b"})) << "sent well after the week's end + 48 h";
  r = curl_http({"--cacert", pki.ca_cert.string(), d.base() + "/metrics"});
  EXPECT_NE(r.body.find("edugate_department_reports_total{result=\"created\"} 3"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("edugate_department_reports_total{result=\"bad_signature\"} 4"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("edugate_department_registry_failures_total 1"), std::string::npos);

  // A registry cut short (only its header: a file saved half-way) would retire every school,
  // whose appliances would then be refused: the reload is refused and A is still accepted.
  work.write("schools.csv", "school_id,name,district,levels,public_key\n");
  ASSERT_EQ(kill(d.process().pid(), SIGHUP), 0);
  const auto failures = [&] {
    const auto m = curl_http({"--cacert", pki.ca_cert.string(), d.base() + "/metrics"});
    return m.body.find("edugate_department_registry_failures_total 2") != std::string::npos;
  };
  for (int i = 0; i < 100 && !failures(); ++i) std::this_thread::sleep_for(100ms);
  EXPECT_TRUE(failures()) << d.process().output(Stream::err);
  // A is still registered: its first report is recognised (200 repeat). An unknown school
  // would be 401 and a dead service would answer nothing; a new week would be 429 (A's rate is
  // spent), which "not 401" used to accept.
  r = post(d, pki, first);
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST(Department, AConfigTheDatabaseCannotServeIsRefusedAtStart) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup setup;
  const auto r = run_command({edugate_binary(), "department", "serve", "--config",
                              setup.config("timezone: Mars/Olympus_Mons\n").string()},
                             60s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("timezone Mars/Olympus_Mons"), std::string::npos) << r.err;
}

TEST(Department, AnAddressOverItsAllowanceIsRefusedBeforeItsBodyIsRead) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup setup;
  DepartmentProcess d(setup.config("address_reports_per_minute: 2\n"));
  const auto junk = setup.work.write("junk.json", "{\"not\": \"a report\"}");
  EXPECT_EQ(post(d, setup.pki, junk).status, 400);
  EXPECT_EQ(post(d, setup.pki, junk).status, 400);
  const auto r = post(d, setup.pki, junk);
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.header("Retry-After"), "60");
  // Even a school's genuine report waits: the allowance is the address's, not the document's.
  const auto real =
      setup.work.write("a.json", signed_report("thcs-a", setup.a.key.get(), "2026-W40", 3));
  EXPECT_EQ(post(d, setup.pki, real).status, 429);
  EXPECT_EQ(setup.pg.psql("department", "SELECT count(*) FROM reports"), "0\n");
}

TEST(Department, AnAppliancesReportsArriveOnceInOrderThroughDatabaseAndServiceOutages) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup dept;
  // The appliance's school, registered with the key `edugate report keygen` made for it.
  ASSERT_EQ(run_command({edugate_binary(), "report", "keygen", "--out", dept.work.path().string(),
                         "--name", "test-school"},
                        10s)
                .exit_code,
            0);
  std::ofstream(dept.work.path() / "schools.csv", std::ios::app)
      << "test-school,Trường của máy,Quận 3,thcs,test-school.pub\n";
  auto service = std::make_unique<DepartmentProcess>(dept.config(""));
  const auto port = service->port();

  EnforcementSetup setup;
  TestOrigin origin;
  auto config = setup.config(origin);
  config += "  signing_key: " + (dept.work.path() / "test-school.key").string() +
            "\n  push:\n    url: " + service->base() +
            "/api/v1/reports\n    ca: " + dept.pki.ca_cert.string() +
            "\n    retry_min: 1s\n    retry_max: 2s\n";
  EdugateProcess edugate{config, setup.options()};
  const auto delivered = [&](long long n) {
    return wait_metric(
        edugate, "edugate_report_push_delivered_total", [&](long long v) { return v >= n; }, 30s);
  };
  // Push turned on in 2026-W48: W47, the last closed week, goes at once.
  ASSERT_EQ(delivered(1), 1) << edugate.log() << service->process().output(Stream::err);
  EXPECT_EQ(via(edugate, {"http://blocked.test/"}).status, 403);

  // The database goes down and W48 closes: the service answers 503, the outbox keeps it.
  dept.pg.stop();
  long long now = kMonday0700 + 7 * 86400;
  setup.set_time(now);
  EXPECT_GE(wait_metric(edugate, "edugate_report_push_failures_total",
                        [](long long v) { return v >= 2; }),
            2)
      << edugate.log();
  EXPECT_EQ(metric(edugate, "edugate_report_outbox_pending"), 1);
  dept.pg.start();
  ASSERT_EQ(delivered(2), 2) << edugate.log() << service->process().output(Stream::err);

  // Now the service itself is down while W49 and W50 close; it comes back on the same port.
  service.reset();
  now += 2 * 7 * 86400;
  setup.set_time(now);
  EXPECT_EQ(
      wait_metric(edugate, "edugate_report_outbox_pending", [](long long v) { return v >= 2; }), 2)
      << edugate.log();
  const auto config_again = dept.config("");
  {
    std::string text = read_file(config_again);
    text.replace(text.find("127.0.0.1:0"), 11, "127.0.0.1:" + std::to_string(port));
    std::ofstream(config_again) << text;
  }
  service = std::make_unique<DepartmentProcess>(config_again);
  ASSERT_EQ(delivered(4), 4) << edugate.log();

  // Each week once, in week order, the current revision the only one: zero lost, zero doubled.
  EXPECT_EQ(dept.pg.psql("department",
                         "SELECT string_agg(iso_week || ':' || revision, ',' ORDER BY id) FROM "
                         "reports WHERE school_id = 'test-school'"),
            "2026-W47:1,2026-W48:1,2026-W49:1,2026-W50:1\n");
  EXPECT_EQ(dept.pg.psql("department", "SELECT count(*) FROM reports WHERE NOT current"), "0\n");
  const auto r =
      curl_http({"--cacert", dept.pki.ca_cert.string(), "-H", "Authorization: Bearer " + dept.token,
                 service->base() + "/api/v1/completeness?week=2026-W48"});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto answer = json::parse(r.body);
  EXPECT_EQ(answer["expected"], 3);
  EXPECT_EQ(answer["received"], 1);
  EXPECT_EQ(answer["missing"], json::array({"thcs-a", "thcs-b"}));
}

TEST(Department, ProvinceTablesEqualReportMergeAndAddUpByDistrictLevelAndSchool) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup dept;
  const auto config = dept.config("");
  auto& work = dept.work;
  {
    DepartmentProcess d(config);
    const std::string week = "2026-W45";
    EXPECT_EQ(post(d, dept.pki,
                   work.write("a1.json", signed_report("thcs-a", dept.a.key.get(), week, 40)))
                  .status,
              201);
    // A revision: only the newer counts.
    EXPECT_EQ(post(d, dept.pki,
                   work.write("a2.json", signed_report("thcs-a", dept.a.key.get(), week, 41)))
                  .status,
              201);
    EXPECT_EQ(post(d, dept.pki,
                   work.write("b.json",
                              signed_report("thcs-b", dept.b.key.get(), week, 7, "school", "thpt")))
                  .status,
              201);
    // School B runs two appliances behind a load balancer: the second node's week is its own
    // report (created, not a revision), and the province adds the two.
    const auto second_node = post(
        d, dept.pki,
        work.write("b-node-b.json",
                   signed_report("thcs-b", dept.b.key.get(), week, 3, "school", "thpt", "node-b")));
    EXPECT_EQ(second_node.status, 201) << second_node.body;
    EXPECT_EQ(json::parse(second_node.body)["stored"], "created");
  }
  const auto department_report = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {edugate_binary(), "department", "report", "--config",
                               config.string(), "--week", "2026-W45"});
    const auto r = run_command(args, 60s);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r;
  };
  department_report({"-o", (work.path() / "province.json").string()});
  work.write("keys.txt", "thcs-a " + reporting::public_key_base64(dept.a.key.get()) + "\nthcs-b " +
                             reporting::public_key_base64(dept.b.key.get()) + "\n");
  const auto merged = run_command(
      {edugate_binary(), "report", "merge", (work.path() / "a2.json").string(),
       (work.path() / "b.json").string(), (work.path() / "b-node-b.json").string(), "--keys",
       (work.path() / "keys.txt").string(), "-o", (work.path() / "merged.json").string()},
      60s);
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(json::parse(read_file(work.path() / "province.json")),
            json::parse(read_file(work.path() / "merged.json")));

  const auto rows_of = [&](const std::string& by) {
    const auto out = work.path() / ("by-" + by + ".json");
    department_report({"--by", by, "-o", out.string()});
    std::map<std::string, long long> blocked;
    const auto doc = json::parse(read_file(out));
    for (const auto& row : doc.at("rows"))
      if (row["action"] == "block" && row["category"] == "tro-choi")
        blocked[row["key"].get<std::string>()] += row["requests"].get<long long>();
    return blocked;
  };
  EXPECT_EQ(rows_of("district"),
            (std::map<std::string, long long>{{"Huyện Cần Giờ", 10}, {"Quận 1", 41}}));
  EXPECT_EQ(rows_of("level"), (std::map<std::string, long long>{{"thcs", 41}, {"thpt", 10}}));
  EXPECT_EQ(rows_of("school"), (std::map<std::string, long long>{{"thcs-a", 41}, {"thcs-b", 10}}));
  department_report({"--by", "district", "-o", (work.path() / "by.csv").string()});
  const auto csv = read_file(work.path() / "by.csv");
  EXPECT_TRUE(
      csv.starts_with("\xEF\xBB\xBF"
                      "district,action,"))
      << csv;
  EXPECT_NE(csv.find("Quận 1,block,"), std::string::npos) << csv;
  department_report({"--by", "level", "-o", (work.path() / "by.html").string()});
  const auto html = read_file(work.path() / "by.html");
  EXPECT_NE(html.find("<svg"), std::string::npos);
  EXPECT_NE(html.find("THCS / Lower secondary"), std::string::npos);
  // 2026-W36 runs from Monday 31 August to 6 September: its Monday belongs to the school year
  // 2025-2026 and the rest to 2026-2027; no day is counted in both.
  {
    DepartmentProcess d(config);
    EXPECT_EQ(post(d, dept.pki,
                   work.write("w36.json", signed_report("thcs-a", dept.a.key.get(), "2026-W36", 5)))
                  .status,
              201);
  }
  const auto year = [&](const std::string& y) {
    const auto out = work.path() / ("year-" + y + ".json");
    const auto r = run_command({edugate_binary(), "department", "report", "--config",
                                config.string(), "--school-year", y, "-o", out.string()},
                               60s);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(read_file(out));
  };
  const auto y1 = year("2025-2026");
  EXPECT_EQ(y1["period"]["from"], "2025-09-01");
  EXPECT_EQ(y1["period"]["to"], "2026-08-31");
  EXPECT_NE(y1.dump().find("2026-08-31\",\"group\":\"hs\""), std::string::npos) << y1.dump();
  const auto y2 = year("2026-2027");
  EXPECT_EQ(y2["period"]["from"], "2026-09-01");
  for (const auto& cell : y2["cells"]) EXPECT_NE(cell["day"], "2026-08-31");

  // A week with nothing in it says so and fails.
  const auto none =
      run_command({edugate_binary(), "department", "report", "--config", config.string(), "--week",
                   "2026-W01", "-o", (work.path() / "none.json").string()},
                  60s);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no report in the database"), std::string::npos) << none.err;
}

TEST(Department, ADemoProvinceImportsIngestsAndIsComplete) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup dept;
  const auto& dir = dept.work.path();
  // Replaces the setup's registry with the made-up province's (keys in dir/keys).
  auto r = run_command({edugate_binary(), "department", "demo", "--schools", "6", "--weeks", "2",
                        "--last-week", "2026-W45", "--out", dir.string()},
                       60s);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = dept.config("");
  const auto import = [&] {
    return run_command({edugate_binary(), "department", "schools", "import",
                        (dir / "schools.csv").string(), "--config", config.string()},
                       60s);
  };
  r = import();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("6 schools: 6 added, 0 updated, 0 unchanged, 0 retired"), std::string::npos)
      << r.out;
  r = import();
  EXPECT_NE(r.out.find("6 schools: 0 added, 0 updated, 6 unchanged, 0 retired"), std::string::npos)
      << r.out;

  DepartmentProcess d(config);
  int created = 0;
  for (const auto& week : fs::directory_iterator(dir / "reports"))
    for (const auto& file : fs::directory_iterator(week.path()))
      created += post(d, dept.pki, file.path()).status == 201;
  EXPECT_EQ(created, 12);
  const auto completeness = [&] {
    const auto reply = curl_http({"--cacert", dept.pki.ca_cert.string(), "-H",
                                  "Authorization: Bearer " + dept.token,
                                  d.base() + "/api/v1/completeness?week=2026-W45"});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return json::parse(reply.body);
  };
  auto answer = completeness();
  EXPECT_EQ(answer["expected"], 6);
  EXPECT_EQ(answer["received"], 6);
  EXPECT_EQ(answer["missing"], json::array());

  // A school leaves the registry: no longer expected, its reports kept.
  auto csv = read_file(dir / "schools.csv");
  csv.erase(csv.rfind('\n', csv.size() - 2) + 1);
  dept.work.write("schools.csv", csv);
  r = import();
  EXPECT_NE(r.out.find("5 schools: 0 added, 0 updated, 5 unchanged, 1 retired"), std::string::npos)
      << r.out;
  answer = completeness();
  EXPECT_EQ(answer["expected"], 5);
  EXPECT_EQ(dept.pg.psql("department", "SELECT count(*) FROM reports"), "12\n");

  // Retiring more than half of the province needs --allow-shrink.
  const auto header = csv.substr(0, csv.find('\n') + 1);
  dept.work.write("schools.csv", header + csv.substr(header.size(), csv.find('\n', header.size()) +
                                                                        1 - header.size()));
  r = import();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("would retire 4 of the 5 schools"), std::string::npos) << r.err;
  r = run_command({edugate_binary(), "department", "schools", "import",
                   (dir / "schools.csv").string(), "--config", config.string(), "--allow-shrink"},
                  60s);
  EXPECT_NE(r.out.find("1 schools: 0 added, 0 updated, 1 unchanged, 4 retired"), std::string::npos)
      << r.out << r.err;

  // Two schools with one key (a mistyped .pub path): refused, with both names.
  const auto first_school =
      csv.substr(header.size(), csv.find('\n', header.size()) + 1 - header.size());
  auto twin = first_school;
  twin.replace(0, twin.find(','), "twin-school");
  dept.work.write("schools.csv", header + first_school + twin);
  r = import();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("has the same public key as school"), std::string::npos) << r.err;
}

/// Pushes school A's and B's reports for the last two weeks: A (Quận 1, THCS) 40 and 5 blocked,
/// B (Huyện Cần Giờ, THPT) 7 in the last week only. A's report calls the games category by a
/// name a hostile page would like to see rendered as markup.
void push_two_weeks(const DepartmentProcess& d, DepartmentSetup& dept, const std::string& week,
                    const std::string& older) {
  auto& work = dept.work;
  ASSERT_EQ(post(d, dept.pki,
                 work.write("a.json", signed_report("thcs-a", dept.a.key.get(), week, 40, "school",
                                                    "thcs", "node-a", "<script>x()</script>")))
                .status,
            201);
  ASSERT_EQ(
      post(d, dept.pki,
           work.write("a-old.json", signed_report("thcs-a", dept.a.key.get(), older, 5, "school",
                                                  "thcs", "node-a", "<script>x()</script>")))
          .status,
      201);
  ASSERT_EQ(post(d, dept.pki,
                 work.write("b.json",
                            signed_report("thcs-b", dept.b.key.get(), week, 7, "school", "thpt")))
                .status,
            201);
}

TEST(Department, TheDashboardShowsTheProvinceOnlyToSignedInAnalysts) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup dept;
  DepartmentProcess d(dept.config(""));
  const auto today = static_cast<reporting::LocalDay>(std::time(nullptr) / 86400);
  const std::string week = reporting::iso_week_of(today - 7);
  const std::string older = reporting::iso_week_of(today - 14);
  push_two_weeks(d, dept, week, older);
  // A school's clock years ahead does not put its report (or the dashboard) in the future.
  const auto future =
      post(d, dept.pki,
           dept.work.write("a-future.json", signed_report("thcs-a", dept.a.key.get(),
                                                          reporting::iso_week_of(today + 400), 9)));
  EXPECT_EQ(future.status, 400) << future.body;
  EXPECT_NE(future.body.find("has not begun"), std::string::npos) << future.body;

  const auto jar = (dept.work.path() / "cookies").string();
  const auto get = [&](const std::string& path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--cacert", dept.pki.ca_cert.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(d.base() + path);
    return curl_http(args);
  };
  // Strangers: no session, a made-up one, and the read API's Bearer token (which is for
  // scripts, not pages) are all sent to the sign-in page.
  for (const auto& extra : std::vector<std::vector<std::string>>{
           {},
           {"-b", "edugate_department_session=" + std::string(64, 'a')},
           {"-H", "Authorization: Bearer " + dept.token}}) {
    const auto r = get("/dashboard", extra);
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.header("Location").value_or(""), "/login");
  }
  const auto login = [&](const std::string& token) {
    return curl_http({"--cacert", dept.pki.ca_cert.string(), "-c", jar, "--data-urlencode",
                      "token=" + token, d.base() + "/login"});
  };
  auto r = login("not-the-token");
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("Mã không đúng"), std::string::npos) << r.body;
  EXPECT_FALSE(r.header("Set-Cookie"));

  r = login(dept.token);
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.header("Location").value_or(""), "/dashboard");
  const auto cookie = r.header("Set-Cookie").value_or("");
  for (const char* attribute : {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"})
    EXPECT_NE(cookie.find(attribute), std::string::npos) << cookie;

  // The overview over both weeks: sums by category, level and district.
  r = get("/dashboard?from=" + older + "&to=" + week, {"-b", jar});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Security-Policy").value_or("").find("default-src 'none'"), 0u);
  EXPECT_EQ(r.header("X-Frame-Options").value_or(""), "DENY");
  const auto row = [](const std::string& name, const std::string& blocked) {
    return "<tr><td>" + name + "</td><td class=\"n\">" + blocked + "</td>";
  };
  EXPECT_NE(r.body.find(row("Quận 1", "45")), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(row("Huyện Cần Giờ", "7")), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(row("THCS / Lower secondary", "45")), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(row("THPT / Upper secondary", "7")), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<a href=\"/dashboard/completeness?week=" + week + "\">" + week +
                        "</a></td><td class=\"n\">2</td><td class=\"n\">47</td>"),
            std::string::npos)
      << r.body;
  // What a school's report says is text on the page, never markup.
  EXPECT_EQ(r.body.find("<script"), std::string::npos);
  EXPECT_NE(r.body.find("&lt;script&gt;x()&lt;/script&gt; / Games"), std::string::npos);

  // A revision counts instead of the first report at the next page (the rollup is rebuilt).
  ASSERT_EQ(post(d, dept.pki,
                 dept.work.write("a-rev.json", signed_report("thcs-a", dept.a.key.get(), week, 50)))
                .status,
            201);
  r = get("/dashboard?from=" + older + "&to=" + week, {"-b", jar});
  EXPECT_NE(r.body.find(row("Quận 1", "55")), std::string::npos) << r.body;

  // Completeness: B missing the older week; A's revision flagged.
  r = get("/dashboard/completeness?week=" + older, {"-b", jar});
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<tr class=\"missing\"><td>thcs-b</td>"), std::string::npos) << r.body;
  r = get("/dashboard/completeness?week=" + week, {"-b", jar});
  EXPECT_EQ(r.body.find("<tr class=\"missing\">"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<tr><td>thcs-a</td><td>node-a</td><td class=\"n\">2</td></tr>"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(get("/dashboard/bundles?week=" + week, {"-b", jar}).status, 200);
  EXPECT_EQ(get("/dashboard/completeness?week=not-a-week", {"-b", jar}).status, 400);

  // What pupils reported reaches the department: summed over schools, harmful first.
  ASSERT_EQ(
      post(d, dept.pki,
           dept.work.write("a-sites.json", signed_report("thcs-a", dept.a.key.get(), week, 50,
                                                         "school", "thcs", "node-a", "Trò chơi",
                                                         {{"bad.example", "harmful", 3, 1},
                                                          {"<b>x</b>.example", "harmful", 2, 1}})))
          .status,
      201);
  ASSERT_EQ(post(d, dept.pki,
                 dept.work.write("b-sites.json",
                                 signed_report("thcs-b", dept.b.key.get(), week, 7, "school",
                                               "thpt", "node-a", "Trò chơi",
                                               {{"bad.example", "harmful", 2, 1},
                                                {"maths.example", "wrongly-blocked", 4, 1}})))
                .status,
            201);
  r = get("/dashboard/reported?week=" + week, {"-b", jar});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<tr><td>bad.example</td><td class=\"n\">2</td><td class=\"n\">5</td>"
                        "<td>Huyện Cần Giờ, Quận 1</td></tr>"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<td>maths.example</td><td class=\"n\">1</td><td class=\"n\">4</td>"),
            std::string::npos)
      << r.body;
  EXPECT_LT(r.body.find("bad.example"), r.body.find("maths.example"));
  EXPECT_EQ(r.body.find("<b>x</b>"), std::string::npos) << "a school's text is never markup";
  EXPECT_NE(r.body.find("&lt;b&gt;x&lt;/b&gt;.example"), std::string::npos);

  // Signing out ends the session on the server, not only in this browser.
  r = curl_http(
      {"--cacert", dept.pki.ca_cert.string(), "-b", jar, "-X", "POST", d.base() + "/logout"});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(get("/dashboard", {"-b", jar}).status, 303);

  // Guessing tokens: ten tries a minute from one address, then 429.
  int refused = 0;
  for (int i = 0; i < 12; ++i) refused += login("guess-" + std::to_string(i)).status == 429;
  EXPECT_GE(refused, 1);
}

TEST(Department, TheDashboardRendersInChromiumAfterSigningIn) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  if (!CdpBrowser::available()) GTEST_SKIP() << "chromium is not installed";
  DepartmentSetup dept;
  DepartmentProcess d(dept.config(""));
  const auto today = static_cast<reporting::LocalDay>(std::time(nullptr) / 86400);
  const std::string week = reporting::iso_week_of(today - 7);
  push_two_weeks(d, dept, week, reporting::iso_week_of(today - 14));

  CdpBrowser browser;
  browser.navigate(d.base() + "/dashboard");  // no session yet: the sign-in form
  EXPECT_EQ(browser.evaluate("location.pathname"), "/login");
  browser.evaluate_and_wait_for_load(
      "document.querySelector('input[name=token]').value = " + json(dept.token).dump() +
      "; document.querySelector('form').submit()");
  ASSERT_EQ(browser.evaluate("location.pathname"), "/dashboard") << browser.html();
  auto html = browser.html();
  EXPECT_NE(html.find("Xu hướng theo tuần / Weekly trend"), std::string::npos) << html;
  EXPECT_NE(html.find("Theo cấp học / By school level"), std::string::npos);
  EXPECT_GE(std::count(html.begin(), html.end(), '<'), 100);
  // The charts are drawn: the trend's columns and the bars, with a size on the page.
  EXPECT_EQ(browser.evaluate("document.querySelectorAll('svg').length"), "4");
  EXPECT_EQ(browser.evaluate("document.querySelector('svg.trend').getBoundingClientRect()"
                             ".height > 100"),
            "true");
  browser.screenshot(screenshot_path("chromium-department-dashboard.png"));
  EXPECT_GT(fs::file_size(screenshot_path("chromium-department-dashboard.png")), 20000u);

  browser.navigate(d.base() + "/dashboard/completeness?week=" + week);
  html = browser.html();
  EXPECT_NE(html.find("Đã nhận / Received"), std::string::npos) << html;
  EXPECT_EQ(browser.evaluate("document.querySelectorAll('tbody tr').length"), "2");
  browser.screenshot(screenshot_path("chromium-department-completeness.png"));

  // Signing out from the page's own button.
  browser.evaluate_and_wait_for_load("document.querySelector('header form').submit()");
  EXPECT_EQ(browser.evaluate("location.pathname"), "/login");
  browser.navigate(d.base() + "/dashboard");
  EXPECT_EQ(browser.evaluate("location.pathname"), "/login");
}

TEST(Department, SchoolsWithAPullUrlArePulledForTheWeeksTheyHaveNotSent) {
  if (const auto why = PostgresCluster::unavailable()) GTEST_SKIP() << *why;
  DepartmentSetup dept;
  auto& work = dept.work;
  // A real appliance behind NAT-free HTTPS: its admin listener serves its signed weekly reports
  // to the holder of a token (the department's pull), as `edugate report fetch` reads them.
  const auto keygen = run_command({edugate_binary(), "report", "keygen", "--out",
                                   work.path().string(), "--name", "test-school"},
                                  20s);
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  const auto made = run_command({edugate_binary(), "report", "token"}, 20s);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(made.out, m, std::regex("shown once\\): (\\S+)")));
  const std::string school_token = m[1];
  ASSERT_TRUE(std::regex_search(made.out, m, std::regex("(sha256:[0-9a-f]{64})")));
  const std::string school_token_hash = m[1];
  work.write("test-school.token", school_token + "\n");
  EnforcementSetup school;
  TestOrigin origin;
  auto c = school.config(origin, {});
  const std::string plain_admin = "admin: {address: 127.0.0.1:0}";
  c.replace(c.find(plain_admin), plain_admin.size(),
            "admin: {address: 127.0.0.1:0, tls: {cert: " + dept.pki.server_cert.string() +
                ", key: " + dept.pki.server_key.string() + "}}");
  c += "  signing_key: " + (work.path() / "test-school.key").string() + "\n";
  c += "  api: {tokens: [\"" + school_token_hash + "\"], requests_per_minute: 120, burst: 60}\n";
  EdugateProcess appliance{c, school.options()};

  // The registry gives the school a pull URL and the token's file; nothing is pushed. First a
  // URL that answers every week with one same week (a cache, a mistyped template): those
  // answers are not the weeks asked for, and nothing is stored.
  const auto base =
      "https://localhost:" + std::to_string(appliance.admin().port) + "/api/v1/reports/weekly/";
  const auto registry = [&](const std::string& url) {
    work.write("schools.csv",
               "school_id,name,district,levels,public_key,pull_url,pull_token_file\n"
               "thcs-a,Trường THCS A,Quận 1,thcs,keys/thcs-a.pub,,\n"
               "test-school,Trường thử,Quận 3,thcs,test-school.pub," +
                   url + ",test-school.token\n");
  };
  registry(base + "2026-W40?format=json&asked={week}");
  DepartmentProcess d(
      dept.config("pull: {interval: 1s, ca: " + dept.pki.ca_cert.string() + ", weeks: 3}\n"));
  const auto metrics = [&] {
    return curl_http({"--cacert", dept.pki.ca_cert.string(), d.base() + "/metrics"}).body;
  };
  for (int i = 0;
       i < 100 && metrics().find("pulls_total{result=\"failed\"} 0") != std::string::npos; ++i)
    std::this_thread::sleep_for(100ms);
  EXPECT_EQ(metrics().find("pulls_total{result=\"failed\"} 0"), std::string::npos);
  EXPECT_EQ(dept.pg.psql("department", "SELECT count(*) FROM reports"), "0\n");
  EXPECT_NE(d.process().output(Stream::err).find("the answer is school test-school"),
            std::string::npos)
      << d.process().output(Stream::err);
  registry(base);
  ::kill(d.process().pid(), SIGHUP);
  const auto count = [&] {
    return dept.pg.psql("department",
                        "SELECT count(*) FROM reports WHERE school_id = 'test-school'");
  };
  for (int i = 0; i < 300 && count() != "3\n"; ++i) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(count(), "3\n") << d.process().output(Stream::err);
  // The last three closed weeks, each once, verified as a push would be; thcs-a (no URL) is
  // never asked. Later rounds find nothing missing: no revision, no second request.
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(count(), "3\n");
  EXPECT_EQ(dept.pg.psql("department", "SELECT max(revision) FROM reports"), "1\n");
  EXPECT_NE(metrics().find("edugate_department_pulls_total{result=\"delivered\"} 3"),
            std::string::npos)
      << metrics();
}

}  // namespace
}  // namespace edugate::itest
