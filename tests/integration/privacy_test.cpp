// Privacy by construction: traffic from several client addresses goes through the real binary,
// then the SQLite store (and its -wal/-shm), and every byte edugate logged, are searched for those
// addresses, the paths, the query strings, cookies and User-Agents used. None may appear. The
// counts themselves must be there.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <thread>

#include "tests/integration/enforcement_fixture.hpp"
#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {
namespace {

const std::vector<std::string> kClients = {"127.0.0.23", "127.0.0.45",  "127.0.0.67",
                                           "127.0.0.89", "127.0.0.101", "127.0.0.123"};

TEST(Privacy, NothingIdentifyingIsStoredOrLogged) {
  EnforcementSetup setup;
  TestOrigin origin;
  // Debug logging on purpose: even the most verbose log must not identify anyone.
  EdugateProcess edugate{setup.config(origin, "log_level: debug\n"), setup.options()};
  const std::vector<std::string> secrets = {"/secret-path-4711", "q=private-query-0815",
                                            "SessionCookie=c00k1e-9999", "PupilBrowser/7.3"};
  for (const auto& client : kClients) {
    for (const char* url : {"http://blocked.test/secret-path-4711?q=private-query-0815",
                            "http://social.test/secret-path-4711?q=private-query-0815",
                            "http://allowed.test/bytes/3?q=private-query-0815"}) {
      const auto r = curl({"--interface", client, "-x", edugate.proxy().url(), "-o", "/dev/null",
                           "-w", "%{http_code}", "-H", "Cookie: SessionCookie=c00k1e-9999", "-A",
                           "PupilBrowser/7.3", url});
      ASSERT_NE(r.out, "000") << client << " " << url << ": " << r.err;
    }
    EXPECT_EQ(send_report(edugate, client, "domain=reported-site.test&kind=harmful").status, 200);
  }
  // Let a flush happen, then stop cleanly (final flush).
  std::this_thread::sleep_for(milliseconds(1500));
  ASSERT_EQ(edugate.process().terminate(), 0);

  const auto db = setup.dir.path() / "edugate.db";
  std::string stored = read_file(db);
  for (const char* suffix : {"-wal", "-shm"}) {
    const auto extra = std::filesystem::path(db.string() + suffix);
    if (std::filesystem::exists(extra)) stored += read_file(extra);
  }
  const std::string logged = edugate.log();
  ASSERT_FALSE(stored.empty());
  for (const auto& client : kClients) {
    EXPECT_EQ(stored.find(client), std::string::npos) << client << " in the store";
    EXPECT_EQ(logged.find(client), std::string::npos) << client << " in the log";
    // Also as raw bytes (an address stored as a BLOB or integer would not show as text).
    in_addr a{};
    ASSERT_EQ(inet_pton(AF_INET, client.c_str(), &a), 1);
    const std::string raw(reinterpret_cast<const char*>(&a), 4);
    EXPECT_EQ(stored.find(raw), std::string::npos) << client << " as bytes in the store";
  }
  for (const auto& secret : secrets) {
    EXPECT_EQ(stored.find(secret), std::string::npos) << secret << " in the store";
    EXPECT_EQ(logged.find(secret), std::string::npos) << secret << " in the log";
  }
  // What is supposed to be there is there: aggregate counts by category, group and domain.
  const auto rows =
      run_command({"sqlite3", db.string(),
                   "SELECT category, action, domain, SUM(requests) FROM hourly "
                   "WHERE category = 'xau' AND domain = 'blocked.test' GROUP BY 1,2,3"},
                  milliseconds(10000));
  EXPECT_EQ(rows.out, "xau|block|blocked.test|6\n") << rows.err;
}

// A request to an IP literal is blocked (pupil groups block bare IP addresses). The store used
// to keep libpsl's "registrable domain" of the address: 127.0.0.77 became "0.77", and a full
// IPv6 address (which can embed a device's MAC) stayed whole. Only the placeholder is kept.
TEST(Privacy, AddressesAreStoredAsThePlaceholderOnly) {
  EnforcementSetup setup;
  TestOrigin origin;
  EdugateProcess edugate{setup.config(origin), setup.options()};
  for (const char* url :
       {"http://127.0.0.77/", "http://[2001:db8::211:22ff:fe33:4455]/", "http://10.1.2.3:8080/x"})
    EXPECT_EQ(via(edugate, {url}).status, 403) << url;
  ASSERT_EQ(edugate.process().terminate(), 0);
  const auto db = setup.dir.path() / "edugate.db";
  const auto rows = run_command(
      {"sqlite3", db.string(), "SELECT DISTINCT domain FROM hourly WHERE action = 'block'"},
      milliseconds(10000));
  EXPECT_EQ(rows.out, "bare-ip\n") << rows.err;
  const auto stored = read_file(db) + (std::filesystem::exists(db.string() + "-wal")
                                           ? read_file(db.string() + "-wal")
                                           : std::string());
  for (const char* leak : {"0.77", "127.0.0.77", "fe33:4455", "2001:db8", "10.1.2.3"})
    EXPECT_EQ(stored.find(leak), std::string::npos) << leak;
}

}  // namespace
}  // namespace edugate::itest
