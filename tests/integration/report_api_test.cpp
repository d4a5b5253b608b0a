// The department's pull: the admin listener over TLS serves signed weekly reports to a bearer
// token holder only, rate limited, never to pupils' networks; `edugate report fetch` is the
// department's client and `edugate report verify` checks what it fetched.

#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/test_pki.hpp"

namespace edugate::itest {
namespace {

constexpr const char* kWeek = "2026-W48";  // the test clock's Monday 2026-11-23

class ReportApi : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto keygen = run_command({edugate_binary(), "report", "keygen", "--out",
                                     keys.path().string(), "--name", "test-school"},
                                    milliseconds(20000));
    ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
    const auto made = run_command({edugate_binary(), "report", "token"}, milliseconds(20000));
    std::smatch m;
    ASSERT_TRUE(std::regex_search(made.out, m, std::regex("shown once\\): (\\S+)")));
    token = m[1];
    ASSERT_TRUE(std::regex_search(made.out, m, std::regex("(sha256:[0-9a-f]{64})")));
    token_hash = m[1];
    token_file = keys.write("token", token + "\n");
  }

  std::string config(std::string_view admin_extra) const {
    auto c = setup.config(origin, {});
    // Replace the plain admin listener and add the API settings to the reporting section.
    const std::string plain_admin = "admin: {address: 127.0.0.1:0}";
    c.replace(c.find(plain_admin), plain_admin.size(),
              "admin: {address: 127.0.0.1:0, tls: {cert: " + pki.server_cert.string() +
                  ", key: " + pki.server_key.string() + "}" + std::string(admin_extra) + "}");
    c += "  signing_key: " + (keys.path() / "test-school.key").string() + "\n";
    c += "  api: {tokens: [\"" + token_hash + "\"], requests_per_minute: 6, burst: 3}\n";
    return c;
  }

  CommandResult api(const EdugateProcess& e, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--cacert", pki.ca_cert.string(), "-s", "-w",
                                     "\nHTTP %{http_code}"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back("https://localhost:" + std::to_string(e.admin().port) +
                   "/api/v1/reports/weekly/" + kWeek);
    return curl(args);
  }

  EnforcementSetup setup;
  TestOrigin origin;
  TempDir keys{"edugate-keys"};
  TempDir pki_dir;
  TestPki pki = make_test_pki(pki_dir.path());
  std::string token, token_hash;
  std::filesystem::path token_file;
};

TEST_F(ReportApi, SignedWeeklyReportForTheTokenHolderOnly) {
  EdugateProcess edugate{config(""), setup.options()};
  for (int i = 0; i < 12; ++i)  // twelve devices: the cell is published (k = 10)
    curl({"--interface", "127.0.0." + std::to_string(40 + i), "-x", edugate.proxy().url(), "-o",
          "/dev/null", "http://blocked.test/"});
  std::this_thread::sleep_for(milliseconds(1500));  // one flush

  auto r = api(edugate, {});
  EXPECT_TRUE(r.out.ends_with("HTTP 401")) << r.out;
  r = api(edugate, {"-H", "Authorization: Bearer not-the-token"});
  EXPECT_TRUE(r.out.ends_with("HTTP 401")) << r.out;
  r = api(edugate, {"-H", "Authorization: Bearer " + token});
  ASSERT_TRUE(r.out.ends_with("HTTP 200")) << r.out;
  EXPECT_NE(r.out.find("\"school\""), std::string::npos);
  EXPECT_NE(r.out.find("test-school"), std::string::npos);
  EXPECT_NE(r.out.find("\"signature\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"xau\""), std::string::npos);

  // The department's client, then the signature check.
  const auto out = keys.path() / "report.json";
  const auto fetch = run_command(
      {edugate_binary(), "report", "fetch",
       "https://localhost:" + std::to_string(edugate.admin().port) + "/api/v1/reports/weekly/" +
           kWeek,
       "--cacert", pki.ca_cert.string(), "--token-file", token_file.string(), "-o", out.string()},
      milliseconds(20000));
  ASSERT_EQ(fetch.exit_code, 0) << fetch.err;
  const auto verify = run_command({edugate_binary(), "report", "verify", out.string(), "--pubkey",
                                   (keys.path() / "test-school.pub").string()},
                                  milliseconds(20000));
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Tampering is caught.
  auto text = read_file(out);
  text.replace(text.find("test-school"), 11, "evil-school");
  keys.write("tampered.json", text);
  const auto bad =
      run_command({edugate_binary(), "report", "verify", (keys.path() / "tampered.json").string(),
                   "--pubkey", (keys.path() / "test-school.pub").string()},
                  milliseconds(20000));
  EXPECT_EQ(bad.exit_code, 1);
}

TEST_F(ReportApi, RateLimitedAndHttpsOnly) {
  EdugateProcess edugate{config(""), setup.options()};
  int ok = 0, limited = 0;
  for (int i = 0; i < 6; ++i) {
    const auto r = api(edugate, {"-H", "Authorization: Bearer " + token});
    if (r.out.ends_with("HTTP 200")) ++ok;
    if (r.out.ends_with("HTTP 429")) ++limited;
  }
  EXPECT_EQ(ok, 3);  // the burst
  EXPECT_EQ(limited, 3);
  const auto plain = curl({"-s", "-o", "/dev/null", "-w", "%{http_code}",
                           "http://127.0.0.1:" + std::to_string(edugate.admin().port) + "/"});
  EXPECT_NE(plain.out, "200");
}

TEST_F(ReportApi, NeverReachableFromOutsideTheAdminNetworks) {
  EdugateProcess edugate{config(", allowed_networks: [127.0.0.2/32]"), setup.options()};
  // 127.0.0.1 (a pupil, in client_networks) is not an admin network: the connection is closed.
  auto r = api(edugate, {"-H", "Authorization: Bearer " + token});
  EXPECT_TRUE(r.out.ends_with("HTTP 000")) << r.out;
  r = api(edugate, {"--interface", "127.0.0.2", "-H", "Authorization: Bearer not-it"});
  EXPECT_TRUE(r.out.ends_with("HTTP 401")) << r.out;
}

// The alerts shipped in etc/prometheus/ (tests/prometheus/ tests their logic) read metrics by
// name: an alert on a name edugate does not export could never fire. Every edugate_* name they
// use is scraped here from a running appliance with the admin listener on TLS.
TEST_F(ReportApi, EveryMetricTheShippedAlertsReadIsExported) {
  EdugateProcess edugate{config(""), setup.options()};
  const auto scraped =
      curl({"--cacert", pki.ca_cert.string(), "-s",
            "https://localhost:" + std::to_string(edugate.admin().port) + "/metrics"});
  ASSERT_EQ(scraped.exit_code, 0) << scraped.err;
  auto names = alert_metric_names("edugate_[a-z0-9_]+");
  EXPECT_GE(names.size(), 12u);  // the file was read, and holds the alerts it should
  // Exported only with rules.update or reporting.push: rules_update_test and report_push_test
  // check those on an appliance that has them.
  std::erase_if(names, [](const std::string& name) {
    return name.starts_with("edugate_rules_bundle_") || name.starts_with("edugate_rules_update_") ||
           name.starts_with("edugate_report_outbox_") || name.starts_with("edugate_report_push_");
  });
  EXPECT_EQ(not_exported(scraped.out, names), std::vector<std::string>{});
}

// edugate_certificate_expiry_timestamp_seconds{certificate="admin_tls"} is the certificate's
// notAfter: openssl's own reading of the file brackets it to the minute.
TEST_F(ReportApi, MetricsExportWhenTheAdminCertificateExpires) {
  EdugateProcess edugate{config(""), setup.options()};
  const auto scraped =
      curl({"--cacert", pki.ca_cert.string(), "-s",
            "https://localhost:" + std::to_string(edugate.admin().port) + "/metrics"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      scraped.out, m,
      std::regex("\nedugate_certificate_expiry_timestamp_seconds\\{certificate=\"admin_tls\"\\} "
                 "(\\d+)\n")))
      << scraped.out;
  const long long left = std::stoll(m[1]) - static_cast<long long>(std::time(nullptr));
  ASSERT_GT(left, 3600);
  EXPECT_FALSE(certificate_expires_within(pki.server_cert, left - 120));
  EXPECT_TRUE(certificate_expires_within(pki.server_cert, left + 120));
  // No inspection configured: no CA line.
  EXPECT_EQ(scraped.out.find("inspection_ca"), std::string::npos);
}

}  // namespace
}  // namespace edugate::itest
