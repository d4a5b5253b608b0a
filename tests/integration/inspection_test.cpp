// HTTPS inspection through the real binary with curl: `edugate ca init`, full-URL decisions
// inside TLS (allowed path, blocked path, keyword, warn and continue, safe search), the block
// page for a blocked CONNECT in blocked-only mode, exempt categories tunnelled untouched,
// origins with a bad certificate refused with the explanatory page, clients that refuse our
// certificate falling back to the tunnel, and bytes that are not TLS.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>

#include "tests/integration/harness/raw_client.hpp"
#include "tests/integration/harness/screenshot.hpp"
#include "tests/integration/inspection_fixture.hpp"

namespace edugate::itest {
namespace {

/// curl -v through `e` trusting only `cacert`; `-w` prints the status code last on stdout.
CommandResult https(const EdugateProcess& e, const std::filesystem::path& cacert,
                    std::vector<std::string> args) {
  args.insert(args.begin(),
              {"-v", "-x", e.proxy().url(), "--cacert", cacert.string(), "-w", "\n%{http_code}"});
  return curl(std::move(args), milliseconds(15000));
}

std::string status_of(const CommandResult& r) {
  const auto nl = r.out.rfind('\n');
  return nl == std::string::npos ? r.out : r.out.substr(nl + 1);
}

std::string body_of(const CommandResult& r) {
  const auto nl = r.out.rfind('\n');
  return nl == std::string::npos ? "" : r.out.substr(0, nl);
}

class Inspection : public ::testing::Test {
 protected:
  InspectionSetup setup;
  EdugateProcess edugate{setup.config()};

  CommandResult school(std::vector<std::string> args) {
    return https(edugate, setup.school_ca, std::move(args));
  }
};

TEST_F(Inspection, CaInitMakesACaWithAPrivateKeyOnlyItsOwnerReads) {
  struct stat st {};
  ASSERT_EQ(::stat((setup.ca_dir / "school-ca.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto text =
      run_command({"openssl", "x509", "-in", setup.school_ca.string(), "-noout", "-nameopt", "utf8",
                   "-subject", "-ext", "basicConstraints,keyUsage"},
                  milliseconds(10000));
  EXPECT_NE(text.out.find("edugate school CA Trường Kiểm thử"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("critical"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("CA:TRUE"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Certificate Sign, CRL Sign"), std::string::npos) << text.out;
  // The key is never printed.
  const auto again = run_command({edugate_binary(), "ca", "init", "--out", setup.ca_dir.string()},
                                 milliseconds(20000));
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("never overwritten"), std::string::npos) << again.err;
  EXPECT_EQ(again.out.find("PRIVATE KEY"), std::string::npos);
}

// The school CA's expiry is a metric (EdugateCertificateExpiresSoon alerts a month ahead):
// the CA's notAfter, as openssl reads the file, to the minute.
TEST_F(Inspection, MetricsExportWhenTheSchoolCaExpires) {
  const auto not_after = metric(edugate, "edugate_certificate_expiry_timestamp_seconds");
  const long long left = not_after - static_cast<long long>(::time(nullptr));
  ASSERT_GT(left, 9LL * 365 * 86400);  // a CA made by `edugate ca init` now: ten years
  EXPECT_FALSE(certificate_expires_within(setup.school_ca, left - 120));
  EXPECT_TRUE(certificate_expires_within(setup.school_ca, left + 120));
  const auto scraped = curl({edugate.admin().url() + "/metrics"});
  EXPECT_NE(scraped.out.find("{certificate=\"inspection_ca\"}"), std::string::npos);
}

TEST_F(Inspection, AllowedPathPassesWithTheOriginsContentUnderTheSchoolCa) {
  const auto r = school({"https://allowed.test/bytes/10"});
  EXPECT_EQ(status_of(r), "200") << r.err;
  EXPECT_EQ(body_of(r), pattern_string(10));
  EXPECT_NE(r.err.find("edugate school CA"), std::string::npos) << r.err;  // issuer: minted
  EXPECT_NE(r.err.find("ALPN: server accepted http/1.1"), std::string::npos) << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_mints_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_decisions_allow_total"), 1);
}

TEST_F(Inspection, BlockedPathGetsTheBlockPageOverTls) {
  const auto r = school({"https://allowed.test/forbidden/page?x=1"});
  EXPECT_EQ(status_of(r), "403") << r.err;
  const auto body = body_of(r);
  EXPECT_NE(body.find("Trang này đã bị chặn"), std::string::npos);
  EXPECT_NE(body.find("Harmful content"), std::string::npos);
  EXPECT_NE(body.find("111"), std::string::npos);
  EXPECT_EQ(metric(edugate, "edugate_decisions_block_total"), 1);
  // Neither the path nor the query reaches the log.
  EXPECT_EQ(edugate.log().find("forbidden"), std::string::npos) << edugate.log();
}

// A monitored URL prefix can only be seen inside TLS: the request reaches the origin and is
// counted as would_block; the tunnel itself (allowed.test) was allowed.
TEST_F(Inspection, AMonitoredPathPassesInsideTlsAndIsCountedAsWouldBlock) {
  const auto r = school({"https://allowed.test/trial/bytes/10"});
  EXPECT_EQ(status_of(r), "404") << r.err;  // the origin's own answer: it was let through
  EXPECT_EQ(metric(edugate, "edugate_inspect_requests_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_decisions_would_block_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_decisions_block_total"), 0);
}

TEST_F(Inspection, SearchKeywordsAndSafeSearchApplyInsideTls) {
  // www.google.com is connected to forcesafesearch.google.com (routed to the origin), whose
  // certificate is verified for www.google.com; inside, the URL gets safe=active.
  auto r = school({"-D", "-", "https://www.google.com/search?q=bong+da&safe=off"});
  EXPECT_EQ(status_of(r), "404") << r.err;  // the origin's answer (it has no /search)
  EXPECT_NE(r.out.find("X-Origin-Target: /search?q=bong+da&safe=active"), std::string::npos)
      << r.out;
  r = school({"https://www.google.com/search?q=c%E1%BB%9D+b%E1%BA%A1c"});
  EXPECT_EQ(status_of(r), "403") << r.err;
  EXPECT_NE(body_of(r).find("Nội dung xấu"), std::string::npos);
}

TEST_F(Inspection, WarnPageContinuesOnHttps) {
  auto r = school({"https://social.test/bytes/5"});
  ASSERT_EQ(status_of(r), "403") << r.err;
  std::smatch m;
  const auto body = body_of(r);
  ASSERT_TRUE(std::regex_search(body, m,
                                std::regex("href=\"(https://social\\.test/\\.edugate/"
                                           "continue\\?t=[^\"]+)\"")))
      << body;
  auto link = m[1].str();
  for (auto pos = link.find("&amp;"); pos != std::string::npos; pos = link.find("&amp;"))
    link.replace(pos, 5, "&");
  r = school({"-D", "-", link});
  ASSERT_EQ(status_of(r), "302") << r.out;
  std::smatch c;
  ASSERT_TRUE(std::regex_search(r.out, c, std::regex("Set-Cookie: (edugate_pass=[^;]+)"))) << r.out;
  r = school({"-H", "Cookie: " + c[1].str(), "https://social.test/bytes/5"});
  EXPECT_EQ(status_of(r), "200");
  EXPECT_EQ(body_of(r), pattern_string(5));
}

TEST_F(Inspection, RequestsOnOneConnectionShareAPooledVerifiedUpstream) {
  const std::vector<std::string> common = {
      "-x", edugate.proxy().url(),           "--cacert", setup.school_ca.string(),
      "-w", "%{http_code}:%{num_connects} ", "-o",       "/dev/null"};
  std::vector<std::string> args = common;
  args.insert(args.end(), {"https://allowed.test/bytes/1", "-o", "/dev/null",
                           "https://allowed.test/bytes/1048576", "--next"});
  args.insert(args.end(), common.begin(), common.end());
  args.insert(args.end(), {"--data-binary", "hello", "https://allowed.test/echo"});
  const auto r = curl(args, milliseconds(20000));
  EXPECT_EQ(words(r.out), (std::vector<std::string>{"200:1", "200:0", "200:0"})) << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_upstream_reused_total"), 2);
}

TEST_F(Inspection, ExemptCategoryIsTunnelledUntouched) {
  // The client sees the origin's own certificate: it verifies with the test PKI's CA only.
  auto r = https(edugate, setup.pki.ca_cert, {"https://bank.test/bytes/5"});
  EXPECT_EQ(status_of(r), "200") << r.err;
  EXPECT_EQ(body_of(r), pattern_string(5));
  EXPECT_NE(r.err.find("edugate test CA"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("edugate school CA"), std::string::npos) << r.err;
  r = school({"https://bank.test/bytes/5"});
  EXPECT_NE(r.exit_code, 0);  // the school CA is not who signed it
  EXPECT_EQ(metric(edugate, "edugate_inspect_exempt_total"), 2);
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 0);
}

TEST_F(Inspection, ExpiredOriginCertificateGetsTheExplanatoryPage) {
  const auto r = school({"-D", "-", "https://expired.test/"});
  EXPECT_EQ(status_of(r), "502") << r.err;
  EXPECT_NE(r.out.find("X-Edugate-Certificate-Error: expired"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Chứng chỉ bảo mật của trang web đã hết hạn"), std::string::npos);
  EXPECT_NE(r.out.find("certificate has expired"), std::string::npos);
  EXPECT_NE(r.out.find("111"), std::string::npos);
  EXPECT_GE(metric(edugate, "edugate_inspect_upstream_cert_errors_total"), 1);
}

TEST_F(Inspection, WrongHostOriginCertificateGetsTheExplanatoryPage) {
  const auto r = school({"-D", "-", "https://wronghost.test/"});
  EXPECT_EQ(status_of(r), "502") << r.err;
  EXPECT_NE(r.out.find("X-Edugate-Certificate-Error: wrong-host"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("issued for a different name"), std::string::npos);
}

TEST_F(Inspection, ClientThatRefusesOurCertificateFallsBackToTheTunnel) {
  // A client trusting only the origin's CA stands for a pinned app: it aborts the handshake
  // with an alert. Each worker then remembers the host and tunnels it untouched.
  int refused = 0;
  CommandResult r;
  for (int attempt = 0; attempt < 6; ++attempt) {
    r = https(edugate, setup.pki.ca_cert, {"https://allowed.test/bytes/3"});
    if (r.exit_code == 0) break;
    ++refused;
  }
  EXPECT_GE(refused, 1);
  EXPECT_LE(refused, 2);  // at most once per worker
  EXPECT_EQ(status_of(r), "200") << r.err;
  EXPECT_NE(r.err.find("edugate test CA"), std::string::npos) << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_client_rejected_total"), refused);
  EXPECT_GE(metric(edugate, "edugate_inspect_fallback_remembered_total"), 1);
}

// The memory of a refused certificate is the pupil's to make: refuse one, and the host's
// tunnels from that device pass through untouched. Bytes that are not TLS at all must not ride
// on it: they are still closed where everything is inspected.
TEST(InspectionFallback, ARefusedCertificateLetsNoPlainBytesThrough) {
  InspectionSetup setup;
  EdugateProcess edugate{
      setup.config("reporting: {store: " + (setup.dir.path() / "r.db").string() + "}\n", 1)};
  const auto refuse = https(edugate, setup.pki.ca_cert,
                            {"--interface", "127.0.0.2", "https://allowed.test/bytes/3"});
  EXPECT_NE(refuse.exit_code, 0);  // remembered for this device and host
  const auto plain = https(edugate, setup.pki.ca_cert,
                           {"--interface", "127.0.0.2", "-p", "http://allowed.test:443/headers"});
  EXPECT_NE(status_of(plain), "200") << plain.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_closed_not_tls_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_fallback_not_tls_total"), 0);
}

// One device refusing the school CA (a pupil's curl, a phone without the CA) switched
// inspection of that host off for every pupil for fallback_ttl. The memory is per device now.
TEST(InspectionFallback, OneDeviceRefusingTheCaDoesNotSwitchInspectionOffForOthers) {
  InspectionSetup setup;
  EdugateProcess edugate{
      setup.config("reporting: {store: " + (setup.dir.path() / "r.db").string() + "}\n", 1)};
  auto refuse = https(edugate, setup.pki.ca_cert,
                      {"--interface", "127.0.0.2", "https://allowed.test/bytes/3"});
  EXPECT_NE(refuse.exit_code, 0);  // it refused our certificate: remembered for this device
  refuse = https(edugate, setup.pki.ca_cert,
                 {"--interface", "127.0.0.2", "https://allowed.test/bytes/3"});
  EXPECT_EQ(status_of(refuse), "200") << refuse.err;  // that device: tunnelled untouched
  const auto other =
      https(edugate, setup.school_ca, {"--interface", "127.0.0.3", "https://allowed.test/bytes/3"});
  EXPECT_EQ(status_of(other), "200") << other.err;  // another device: still inspected
  EXPECT_NE(other.err.find("edugate school CA"), std::string::npos) << other.err;
}

// Plain HTTP through CONNECT allowed.test:443 in a group that inspects everything: before, the
// bytes were relayed untouched, so an HTTP proxy listening on port 443 of any allowed host
// carried pupils past inspection. Now the tunnel closes after its 200 and nothing of the
// request reaches the origin.
TEST_F(Inspection, BytesThatAreNotTlsAreClosedWhereEverythingIsInspected) {
  const auto raw = raw_exchange(edugate.proxy(),
                                "CONNECT allowed.test:443 HTTP/1.1\r\n\r\nGET /headers "
                                "HTTP/1.1\r\nHost: blocked.test\r\n\r\n",
                                milliseconds(5000));
  EXPECT_TRUE(raw.received.starts_with("HTTP/1.1 200")) << raw.received;  // the CONNECT's
  EXPECT_EQ(raw.received.find("HTTP/1.1 200", 1), std::string::npos) << raw.received;
  EXPECT_TRUE(raw.peer_closed);
  EXPECT_EQ(metric(edugate, "edugate_client_hello_not_tls_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_closed_not_tls_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_fallback_not_tls_total"), 0);
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 0);
}

// CONNECT allowed.test:443 with the SNI of an exempt bank: before, the exempt SNI passed the
// tunnel through undecrypted, so nothing inside it was filtered. The exemption belongs to the
// CONNECT host and holds only when the SNI names it.
TEST_F(Inspection, AnExemptSniBehindAnotherHostIsInspected) {
  const std::vector<std::string> front = {"--connect-to", "bank.test:443:allowed.test:443"};
  auto args = front;
  args.push_back("https://bank.test/bytes/5");
  const auto r = school(args);
  EXPECT_EQ(status_of(r), "200") << r.err;
  EXPECT_NE(r.err.find("edugate school CA"), std::string::npos) << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_exempt_total"), 0);
  // Inside, requests are decided and held to the tunnel's name: allowed.test's blocked path,
  // asked for by Host through the bank's name, is refused.
  args = front;
  args.insert(args.end(), {"-H", "Host: allowed.test", "https://bank.test/forbidden"});
  EXPECT_EQ(status_of(school(args)), "421");
}

// Inside an inspected tunnel every request goes to the tunnel's origin: a Host naming another
// site was decided on that site (here: blocked.test's block page, or an allowed host's
// verdict for a blocked origin) while going to this one.
TEST_F(Inspection, ARequestForAnotherHostInsideATunnelIs421) {
  auto r = school({"-H", "Host: blocked.test", "https://allowed.test/bytes/5"});
  EXPECT_EQ(status_of(r), "421") << r.err;
  r = school({"-H", "Host: allowed.test", "--connect-to", "blocked.test:443:allowed.test:443",
              "https://blocked.test/bytes/5"});
  EXPECT_EQ(status_of(r), "403") << r.err;  // the tunnel itself is blocked: its page
  EXPECT_EQ(metric(edugate, "edugate_inspect_misdirected_total"), 1);
  // The same host, written another way (case, port), is the same host.
  r = school({"-H", "Host: ALLOWED.test:443", "https://allowed.test/bytes/5"});
  EXPECT_EQ(status_of(r), "200") << r.err;
}

// An SNI edugate's parser refuses but OpenSSL sends and accepts ("allowed.test!"): the bytes
// look like TLS but are no ClientHello edugate can read. Before, that counted as "not TLS" and
// the tunnel went through undecrypted; in an inspecting group it is closed now.
TEST_F(Inspection, AClientHelloThatLooksLikeTlsButDoesNotParseIsClosed) {
  const auto r = run_command({"openssl", "s_client", "-proxy", edugate.proxy().authority(),
                              "-connect", "allowed.test:443", "-servername", "allowed.test!",
                              "-CAfile", setup.pki.ca_cert.string(), "-verify_return_error"},
                             milliseconds(15000));
  // Closed before anything reached the origin: no certificate came back, no upstream connect.
  EXPECT_NE(r.out.find("no peer certificate available"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("edugate test CA"), std::string::npos) << r.out;
  EXPECT_EQ(metric(edugate, "edugate_upstream_connects_total"), 0);
  EXPECT_EQ(metric(edugate, "edugate_client_hello_not_tls_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 0);
}

TEST_F(Inspection, BlockedHostGetsThePageOverTlsInModeAll) {
  const auto r = school({"https://blocked.test/anything"});
  EXPECT_EQ(status_of(r), "403") << r.err;
  EXPECT_NE(body_of(r).find("Trang này đã bị chặn"), std::string::npos);
  EXPECT_EQ(metric(edugate, "edugate_inspect_block_pages_total"), 1);
}

/// The same school, with its group in blocked-only mode.
class InspectionBlockedOnly : public ::testing::Test {
 protected:
  InspectionSetup setup{"{inspect: blocked-only}"};
  EdugateProcess edugate{setup.config()};
};

TEST_F(InspectionBlockedOnly, BlockedConnectShowsTheBlockPage) {
  const auto r = https(edugate, setup.school_ca, {"https://blocked.test/"});
  EXPECT_EQ(status_of(r), "403") << r.err;
  EXPECT_NE(body_of(r).find("Trang này đã bị chặn"), std::string::npos);
  EXPECT_NE(body_of(r).find("Harmful content"), std::string::npos);
  EXPECT_NE(r.err.find("edugate school CA"), std::string::npos) << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_block_pages_total"), 1);
  EXPECT_EQ(metric(edugate, "edugate_decisions_block_total"), 1);
}

TEST_F(InspectionBlockedOnly, AllowedHostsStayEndToEnd) {
  // Not decrypted: the origin's certificate, and a path rule has no effect without inspection.
  const auto r = https(edugate, setup.pki.ca_cert, {"https://allowed.test/forbidden/bytes"});
  EXPECT_EQ(status_of(r), "404") << r.err;  // the origin's own answer
  EXPECT_NE(r.err.find("edugate test CA"), std::string::npos) << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_sessions_total"), 0);
}

TEST_F(InspectionBlockedOnly, DomainFrontingToABlockedSniGetsThePage) {
  const auto r =
      https(edugate, setup.school_ca,
            {"--connect-to", "blocked.test:443:allowed.test:443", "https://blocked.test/"});
  EXPECT_EQ(status_of(r), "403") << r.err;
  EXPECT_EQ(metric(edugate, "edugate_inspect_block_pages_total"), 1);
}

/// Headless Chromium trusting the school CA through an NSS database (what a school-managed
/// Linux or ChromeOS device has), reaching an HTTPS URL through edugate.
TEST(InspectionChromium, BlockPageForAnHttpsUrlRendersWithTheSchoolCa) {
  constexpr const char* kChromium = "/usr/bin/chromium";
  if (::access(kChromium, X_OK) != 0) GTEST_SKIP() << "chromium is not installed";
  if (run_command({"certutil", "-H"}, milliseconds(5000)).exit_code == -1)
    GTEST_SKIP() << "certutil (libnss3-tools) is not installed";
  InspectionSetup setup;
  EdugateProcess edugate{setup.config()};
  TempDir home("edugate-chromium-home");
  const auto nssdb = home.path() / ".pki" / "nssdb";
  std::filesystem::create_directories(nssdb);
  const std::string db = "sql:" + nssdb.string();
  ASSERT_EQ(
      run_command({"certutil", "-d", db, "-N", "--empty-password"}, milliseconds(10000)).exit_code,
      0);
  const auto added = run_command({"certutil", "-d", db, "-A", "-t", "C,,", "-n",
                                  "edugate school CA", "-i", setup.school_ca.string()},
                                 milliseconds(10000));
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const std::vector<std::string> env = {"HOME=" + home.path().string()};
  auto chromium = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {kChromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--disable-quic",
                                     "--no-first-run",
                                     "--disable-background-networking",
                                     "--disable-component-update",
                                     "--disable-sync",
                                     "--user-data-dir=" + (home.path() / "profile").string(),
                                     "--proxy-server=" + edugate.proxy().authority()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv, milliseconds(60000), env);
  };
  const auto dom = chromium({"--dump-dom", "https://blocked.test/"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_NE(dom.out.find("<h1>Trang này đã bị chặn</h1>"), std::string::npos) << dom.out;
  EXPECT_NE(dom.out.find("Tổng đài 111"), std::string::npos);
  EXPECT_NE(dom.out.find("Nội dung xấu"), std::string::npos);
  EXPECT_GE(metric(edugate, "edugate_inspect_block_pages_total"), 1);
  // An allowed page through the same inspection renders the origin's content (its JSON echo
  // of the request headers, as the origin saw them inside the inspected connection).
  const auto ok = chromium({"--dump-dom", "https://allowed.test/headers"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("\"host\":\"allowed.test\""), std::string::npos) << ok.out;
  const auto shot = screenshot_path("chromium-inspection-block-page.png");
  std::filesystem::remove(shot);
  chromium({"--window-size=1000,1100", "--screenshot=" + shot.string(), "https://blocked.test/"});
  EXPECT_TRUE(std::filesystem::exists(shot));
}

}  // namespace
}  // namespace edugate::itest
