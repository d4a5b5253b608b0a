// Transparent mode end to end, in network namespaces this test makes and removes itself:
//
//   client netns                      gateway netns
//   10.213.0.2, .100  ── veth ──  10.213.0.1  edugate (transparent :3080 / :3443, [::] too)
//   fd12:3456:20::2               fd12:3456:20::1
//                                 10.214.0.10, fd12:3456:99::10 (on lo): test origins on :80/:443
//
// The gateway loads etc/nftables-transparent.nft (its variables set for this lab), so the
// client's TCP 80/443 to the "internet" addresses is redirected to edugate, and curl in the
// client namespace runs with no proxy setting at all. Needs root, `ip` and `nft`.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tests/integration/harness/edugate_process.hpp"
#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/harness/temp_dir.hpp"
#include "tests/integration/harness/test_origin_process.hpp"
#include "tests/integration/harness/test_pki.hpp"

namespace edugate::itest {
namespace {

constexpr milliseconds kCommandTimeout{10000};
constexpr milliseconds kCurlTimeout{10000};
constexpr std::string_view kNamePrefix = "edugate-itest-";
constexpr std::string_view kOriginV4 = "10.214.0.10";
constexpr std::string_view kOriginV6 = "fd12:3456:99::10";
constexpr std::string_view kNowhere = "10.214.0.99";  // routed to the gateway, no host there
constexpr std::string_view kGatewayLan = "10.213.0.1";
constexpr std::string_view kOutsider = "10.213.0.100";  // on the LAN, not in client_networks

/// Runs a command that must succeed; throws with its stderr otherwise.
std::string must(std::vector<std::string> argv) {
  std::string line;
  for (const auto& a : argv) line += a + " ";
  const auto r = run_command(std::move(argv), kCommandTimeout);
  if (r.exit_code != 0) throw std::runtime_error(line + "failed: " + r.err);
  return r.out;
}

std::filesystem::path sample_ruleset() {
  return std::filesystem::path(EDUGATE_SOURCE_DIR) / "etc" / "nftables-transparent.nft";
}

/// The shipped sample with the lab's interface, networks and user in its `define` lines.
std::string lab_ruleset() {
  std::ifstream in(sample_ruleset());
  if (!in) throw std::runtime_error("cannot read " + sample_ruleset().string());
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::pair<const char*, const char*> defines[] = {
      {"lan_if", "\"gw0\""},
      {"pupil_nets_v4", "{ 10.213.0.0/24 }"},
      {"pupil_nets_v6", "{ fd12:3456:20::/64 }"},
      {"edugate_user", "0"},  // edugate runs as root here
  };
  for (const auto& [name, value] : defines) {
    const std::regex line("^define " + std::string(name) + " = .*$", std::regex::multiline);
    if (!std::regex_search(s, line)) throw std::runtime_error(std::string("no define ") + name);
    s = std::regex_replace(s, line, "define " + std::string(name) + " = " + value);
  }
  return s;
}

/// Removes lab namespaces left by an earlier run of this test that was killed (its pid is gone).
void remove_stale_namespaces() {
  const auto r = run_command({"ip", "netns", "list"}, kCommandTimeout);
  std::istringstream in(r.out);
  const std::regex ours("^" + std::string(kNamePrefix) + "([0-9]+)-(client|gw)\\b");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_search(line, m, ours)) continue;
    const auto pid = static_cast<pid_t>(std::stol(m[1]));
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;
    run_command({"ip", "netns", "del", m[0].str()}, kCommandTimeout);
  }
}

/// The two namespaces, their link, addresses, routes and the gateway's nftables ruleset.
/// Removed (by name) when the object goes away, whatever happened in between.
class Lab {
 public:
  Lab()
      : client_(std::string(kNamePrefix) + std::to_string(::getpid()) + "-client"),
        gateway_(std::string(kNamePrefix) + std::to_string(::getpid()) + "-gw") {
    remove_stale_namespaces();
    try {
      build();
    } catch (...) {
      remove();
      throw;
    }
  }
  ~Lab() { remove(); }
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& client() const { return client_; }
  const std::string& gateway() const { return gateway_; }

 private:
  void build() {
    must({"ip", "netns", "add", client_});
    created_client_ = true;
    must({"ip", "netns", "add", gateway_});
    created_gateway_ = true;
    // The gateway's own name service: `ip netns exec` puts /etc/netns/NAME/hosts over
    // /etc/hosts, so edugate's host verification resolves the lab's names as a school's DNS
    // would. elsewhere.test lives at another address than the origin.
    std::filesystem::create_directories(netns_etc());
    std::ofstream(netns_etc() / "hosts") << "127.0.0.1 localhost\n::1 localhost\n"
                                         << kOriginV4 << " allowed.test blocked.test trial.test\n"
                                         << kOriginV6 << " allowed.test blocked.test trial.test\n"
                                         << kGatewayLan << " router.test\n"
                                         << kNowhere << " elsewhere.test\n";
    const auto c = [&](std::vector<std::string> args) {
      args.insert(args.begin(), {"ip", "-n", client_});
      must(std::move(args));
    };
    const auto g = [&](std::vector<std::string> args) {
      args.insert(args.begin(), {"ip", "-n", gateway_});
      must(std::move(args));
    };
    c({"link", "set", "lo", "up"});
    g({"link", "set", "lo", "up"});
    c({"link", "add", "cl0", "type", "veth", "peer", "name", "gw0", "netns", gateway_});
    c({"addr", "add", "10.213.0.2/24", "dev", "cl0"});
    c({"addr", "add", std::string(kOutsider) + "/24", "dev", "cl0"});
    c({"addr", "add", "fd12:3456:20::2/64", "dev", "cl0", "nodad"});
    c({"link", "set", "cl0", "up"});
    c({"route", "add", "default", "via", std::string(kGatewayLan)});
    c({"-6", "route", "add", "default", "via", "fd12:3456:20::1"});
    g({"addr", "add", std::string(kGatewayLan) + "/24", "dev", "gw0"});
    g({"addr", "add", "fd12:3456:20::1/64", "dev", "gw0", "nodad"});
    g({"link", "set", "gw0", "up"});
    g({"addr", "add", std::string(kOriginV4) + "/32", "dev", "lo"});
    g({"addr", "add", std::string(kOriginV6) + "/128", "dev", "lo"});
    const TempDir dir("edugate-transparent-nft");
    const auto file = dir.write("lab.nft", lab_ruleset());
    must({"ip", "netns", "exec", gateway_, "nft", "-f", file.string()});
  }

  std::filesystem::path netns_etc() const { return std::filesystem::path("/etc/netns") / gateway_; }

  void remove() {
    std::error_code ignored;
    if (created_gateway_) std::filesystem::remove_all(netns_etc(), ignored);
    if (created_gateway_) run_command({"ip", "netns", "del", gateway_}, kCommandTimeout);
    if (created_client_) run_command({"ip", "netns", "del", client_}, kCommandTimeout);
    created_client_ = created_gateway_ = false;
  }

  std::string client_;
  std::string gateway_;
  bool created_client_ = false;
  bool created_gateway_ = false;
};

/// A test origin listening on `address:port` inside the gateway namespace.
std::unique_ptr<Process> start_origin(const Lab& lab, const std::string& listen,
                                      const TestPki* pki) {
  std::vector<std::string> argv{"ip",       "netns", "exec", lab.gateway(), test_origin_binary(),
                                "--listen", listen};
  if (pki) {
    argv.insert(argv.end(),
                {"--tls", "--cert", pki->server_cert.string(), "--key", pki->server_key.string()});
  }
  auto p = std::make_unique<Process>(ProcessOptions{.argv = std::move(argv), .env = {}, .cwd = {}});
  if (!p->wait_for_prefix(Stream::out, "listening ", milliseconds(10000)))
    throw std::runtime_error("origin on " + listen + " did not start: " + p->output(Stream::err));
  return p;
}

struct Reply {
  CommandResult run;
  int status = 0;  ///< 0: no HTTP response
  std::string head;
  std::string body;
};

/// curl inside `ns` with `-i` and no proxy of any kind.
Reply curl_in(const std::string& ns, std::vector<std::string> args) {
  std::vector<std::string> argv{"ip",
                                "netns",
                                "exec",
                                ns,
                                "curl",
                                "-sS",
                                "-i",
                                "--noproxy",
                                "*",
                                "--max-time",
                                std::to_string(kCurlTimeout.count() / 1000)};
  argv.insert(argv.end(), args.begin(), args.end());
  Reply r;
  r.run = run_command(std::move(argv), kCurlTimeout + milliseconds(5000));
  const auto& out = r.run.out;
  const auto end = out.find("\r\n\r\n");
  if (out.starts_with("HTTP/") && end != std::string::npos && out.size() > 12) {
    r.status = std::stoi(out.substr(9, 3));
    r.head = out.substr(0, end);
    r.body = out.substr(end + 4);
  }
  return r;
}

std::string edugate_config(const TempDir& dir) {
  dir.write("department.yaml", R"(categories:
  - id: thu-nghiem
    labels: {vi: "Trang thử nghiệm bị chặn", en: "Blocked test site"}
    mandatory: true
    domains: [blocked.test]
  - id: danh-sach-moi
    labels: {vi: "Danh sách thử nghiệm", en: "Trial list"}
    domains: [trial.test]
profiles:
  thcs:
    monitor: [danh-sach-moi]
    safe_search: {enabled: true, youtube: moderate}
)");
  dir.write("school.yaml", "default_group: {age: thcs}\n");
  std::string c =
      "listeners:\n"
      "  - {address: \"0.0.0.0:3080\", mode: transparent}\n"
      "  - {address: \"0.0.0.0:3443\", mode: transparent}\n"
      "  - {address: \"[::]:3080\", mode: transparent}\n"
      "  - {address: \"[::]:3443\", mode: transparent}\n"
      "workers: 2\n"
      "client_networks: [10.213.0.0/28, \"fd12:3456:20::/64\"]\n"
      "admin: {address: \"127.0.0.1:0\"}\n"
      // The lab's origins sit on the gateway's own loopback interface, which the destination
      // policy refuses like every address of the appliance: these two are the exceptions.
      "destinations: {allow: [" +
      std::string(kOriginV4) + "/32, \"" + std::string(kOriginV6) +
      "/128\"]}\n"
      "timeouts: {request_head: 5s, upstream_connect: 5s, client_hello: 5s}\n"
      "log_level: info\n";
  c += "upstream_overrides: {forcesafesearch.google.com: \"" + std::string(kOriginV4) + ":443\"}\n";
  c += "rules:\n";
  c += "  department: " + (dir.path() / "department.yaml").string() + "\n";
  c += "  school: " + (dir.path() / "school.yaml").string() + "\n";
  c += "reporting: {store: " + (dir.path() / "report.db").string() + "}\n";
  return c;
}

/// Why this machine cannot run the lab, or empty.
std::string missing_prerequisite() {
  if (::geteuid() != 0) return "needs root (network namespaces and nftables)";
  for (const char* tool : {"ip", "nft", "curl"}) {
    const auto r = run_command({"sh", "-c", std::string("command -v ") + tool}, kCommandTimeout);
    if (r.exit_code != 0)
      return std::string("needs `") + tool + "` (scripts/deps test installs iproute2, nftables)";
  }
  return {};
}

class TransparentMode : public ::testing::Test {
 protected:
  struct Env {
    TempDir files{"edugate-transparent"};
    std::unique_ptr<Lab> lab;
    TestPki pki;
    std::vector<std::unique_ptr<Process>> origins;
    std::unique_ptr<EdugateProcess> edugate;
    std::string error;  ///< why the lab did not come up
  };
  static inline Env* env_ = nullptr;
  static inline std::string* skip_reason_ = nullptr;

  static void SetUpTestSuite() {
    skip_reason_ = new std::string(missing_prerequisite());
    if (!skip_reason_->empty()) return;
    env_ = new Env;
    try {
      start(*env_);
    } catch (const std::exception& e) {
      env_->error = e.what();
    }
  }

  static void start(Env& env) {
    env.lab = std::make_unique<Lab>();
    env.pki = make_test_pki(env.files.path(),
                            {"allowed.test", "blocked.test", "trial.test", "www.google.com"});
    const auto& lab = *env.lab;
    env.origins.push_back(start_origin(lab, std::string(kOriginV4) + ":80", nullptr));
    env.origins.push_back(start_origin(lab, std::string(kOriginV4) + ":443", &env.pki));
    env.origins.push_back(start_origin(lab, "[" + std::string(kOriginV6) + "]:80", nullptr));
    // A web interface on the gateway's own LAN address (a router's, say): pupils' port-80
    // traffic to it is redirected to edugate like any other.
    env.origins.push_back(start_origin(lab, std::string(kGatewayLan) + ":80", nullptr));
    // edugate itself runs in the gateway namespace, through a one-line wrapper.
    const auto wrapper =
        env.files.write("edugate-in-gateway", "#!/bin/sh\nexec ip netns exec '" + lab.gateway() +
                                                  "' '" + edugate_binary() + "' \"$@\"\n");
    std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
    EdugateOptions options;
    options.binary = wrapper.string();
    env.edugate = std::make_unique<EdugateProcess>(edugate_config(env.files), std::move(options));
  }

  static void TearDownTestSuite() {
    delete env_;  // edugate and origins first, then the namespaces (member order)
    env_ = nullptr;
    delete skip_reason_;
    skip_reason_ = nullptr;
  }

  void SetUp() override {
    if (!skip_reason_->empty()) GTEST_SKIP() << "transparent-mode lab skipped: " << *skip_reason_;
    ASSERT_NE(env_, nullptr);
    ASSERT_TRUE(env_->edugate) << "the lab did not come up: " << env_->error;
  }

  static Reply from_client(std::vector<std::string> args) {
    return curl_in(env_->lab->client(), std::move(args));
  }
  static std::string resolve(std::string_view name, std::string_view port, std::string_view ip) {
    return std::string(name) + ":" + std::string(port) + ":" + std::string(ip);
  }
  static std::string ca() { return env_->pki.ca_cert.string(); }

  /// A counter from edugate's /metrics (its admin listener is in the gateway namespace).
  static long long metric(std::string_view name) {
    const auto r = curl_in(env_->lab->gateway(), {env_->edugate->admin().url() + "/metrics"});
    std::istringstream in(r.body);
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with(std::string(name) + " ")) return std::stoll(line.substr(name.size()));
    }
    return -1;
  }
};

// The original destination is the gateway itself: refused by the destination policy, so a
// pupil cannot reach a service on the appliance by sending it port-80 traffic.
TEST_F(TransparentMode, TheGatewaysOwnAddressIsNeverReachedThroughTheRedirect) {
  const auto before = metric("edugate_destinations_refused_total");
  const auto r = from_client(
      {"http://router.test/headers", "--resolve", resolve("router.test", "80", kGatewayLan)});
  EXPECT_EQ(r.status, 403) << r.run.err << r.body;
  EXPECT_NE(r.body.find("cannot be reached through the school's proxy"), std::string::npos);
  EXPECT_EQ(metric("edugate_destinations_refused_total") - before, 1);
}

// The gateway's own addresses are re-read every few seconds, and a `local` route (AnyIP) is on
// no interface at all: where an address really leads is asked of the routing table before
// connecting. Refused at once, all four: before, an address added after edugate started was
// reachable until the next re-read, a local route for ever (whatever source address the
// kernel picks for it).
TEST_F(TransparentMode, AnAddressTheGatewayGainedLaterIsRefusedAtOnce) {
  const auto& gw = env_->lab->gateway();
  const std::vector<std::vector<std::string>> changes = {
      {"addr", "add", "10.214.0.77/32", "dev", "lo"},
      {"route", "add", "local", "10.214.1.0/24", "dev", "lo"},
      {"route", "add", "local", "10.214.2.0/24", "dev", "lo", "src", std::string(kOriginV4)},
      {"-6", "addr", "add", "fd12:3456:77::5/128", "dev", "lo", "nodad"},
  };
  struct Undo {  // leaves the lab as the other tests expect it, whatever happens here
    std::string gw;
    const std::vector<std::vector<std::string>>& changes;
    ~Undo() {
      for (auto c : changes) {
        c[c[0] == "-6" ? 2 : 1] = "del";
        c.insert(c.begin(), {"ip", "-n", gw});
        run_command(c, kCommandTimeout);
      }
    }
  } undo{gw, changes};
  for (auto c : changes) {
    c.insert(c.begin(), {"ip", "-n", gw});
    must(c);
  }
  // The names resolve there, so the transparent host check passes and the address decides.
  std::ofstream(std::filesystem::path("/etc/netns") / gw / "hosts", std::ios::app)
      << "10.214.0.77 added.test\n10.214.1.5 anyip.test\n10.214.2.5 anyip-src.test\n"
      << "fd12:3456:77::5 added6.test\n";
  const struct {
    const char* name;
    const char* address;
    const char* listen;
  } targets[] = {{"added.test", "10.214.0.77", "10.214.0.77:80"},
                 {"anyip.test", "10.214.1.5", "10.214.1.5:80"},
                 {"anyip-src.test", "10.214.2.5", "10.214.2.5:80"},
                 {"added6.test", "fd12:3456:77::5", "[fd12:3456:77::5]:80"}};
  std::vector<std::unique_ptr<Process>> origins;
  for (const auto& t : targets) origins.push_back(start_origin(*env_->lab, t.listen, nullptr));
  const auto before = metric("edugate_destinations_refused_total");
  for (const auto& t : targets) {
    const std::string at = std::string(t.address).find(':') == std::string::npos
                               ? t.address
                               : "[" + std::string(t.address) + "]";
    const auto r = from_client(
        {std::string("http://") + t.name + "/headers", "--resolve", resolve(t.name, "80", at)});
    EXPECT_EQ(r.status, 403) << t.name << ": " << r.run.err << r.body;
    EXPECT_NE(r.body.find("cannot be reached through the school's proxy"), std::string::npos)
        << t.name;
  }
  EXPECT_EQ(metric("edugate_destinations_refused_total") - before, 4);
}

// Lying about the name: an allowed name sent to an address it does not resolve to (the pupil's
// own DNS, or --resolve) is decided on that address, as Squid's host verification does. Pupil
// groups block bare IP addresses, so the lie gets the block page (HTTP) or a closed connection
// (HTTPS) instead of the site. Before, the name alone decided and the address was connected to.
TEST_F(TransparentMode, ANameThatDoesNotLeadToTheDestinationIsDecidedOnTheAddress) {
  const auto before = metric("edugate_transparent_name_mismatch_total");
  for (const char* name : {"elsewhere.test", "unknown-name.test"}) {
    const auto http = from_client(
        {std::string("http://") + name + "/headers", "--resolve", resolve(name, "80", kOriginV4)});
    EXPECT_EQ(http.status, 403) << name << http.run.err << http.body;
    EXPECT_EQ(http.body.find("\"host\""), std::string::npos) << "reached the origin: " << name;
    const auto tls = from_client({"-k", std::string("https://") + name + "/conn-id", "--resolve",
                                  resolve(name, "443", kOriginV4)});
    EXPECT_NE(tls.run.exit_code, 0) << name << tls.run.out;
    EXPECT_EQ(tls.status, 0) << name;
  }
  EXPECT_EQ(metric("edugate_transparent_name_mismatch_total") - before, 4);
  // The truth still works: allowed.test does resolve to the origin.
  EXPECT_EQ(from_client({"https://allowed.test/conn-id", "--resolve",
                         resolve("allowed.test", "443", kOriginV4), "--cacert", ca()})
                .status,
            200);
}

TEST_F(TransparentMode, AllowedHostGetsTheOriginsContentFromTheOriginalDestination) {
  const auto before = metric("edugate_decisions_allow_total");
  const auto r = from_client(
      {"http://allowed.test/headers", "--resolve", resolve("allowed.test", "80", kOriginV4)});
  ASSERT_EQ(r.status, 200) << r.run.err << "\n" << env_->edugate->log();
  EXPECT_NE(r.body.find("allowed.test"), std::string::npos) << r.body;  // Host as sent upstream
  EXPECT_NE(r.head.find("edugate"), std::string::npos) << r.head;       // Via: it went through
  EXPECT_EQ(metric("edugate_decisions_allow_total") - before, 1);
}

TEST_F(TransparentMode, BlockedHostGetsTheBilingualBlockPage) {
  const auto before = metric("edugate_decisions_block_total");
  const auto r = from_client(
      {"http://blocked.test/any/page?q=1", "--resolve", resolve("blocked.test", "80", kOriginV4)});
  EXPECT_EQ(r.status, 403) << r.run.err;
  EXPECT_NE(r.body.find("Trang này đã bị chặn"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("Trang thử nghiệm bị chặn"), std::string::npos);
  EXPECT_NE(r.body.find("111"), std::string::npos);
  EXPECT_EQ(r.body.find("10.213.0.2"), std::string::npos) << "the pupil's address is echoed";
  EXPECT_EQ(metric("edugate_decisions_block_total") - before, 1);
}

TEST_F(TransparentMode, AMonitoredHostPassesOnHttpAndTlsAndIsCountedAsWouldBlock) {
  const auto before = metric("edugate_decisions_would_block_total");
  const auto http = from_client(
      {"http://trial.test/bytes/7", "--resolve", resolve("trial.test", "80", kOriginV4)});
  EXPECT_EQ(http.status, 200) << http.run.err << "\n" << env_->edugate->log();
  EXPECT_EQ(http.body.size(), 7u);
  const auto tls = from_client({"https://trial.test/bytes/7", "--resolve",
                                resolve("trial.test", "443", kOriginV4), "--cacert", ca()});
  EXPECT_EQ(tls.status, 200) << tls.run.err << "\n" << env_->edugate->log();
  EXPECT_EQ(metric("edugate_decisions_would_block_total") - before, 2);
}

TEST_F(TransparentMode, RequestWithoutHostIsRefusedOrDecidedOnTheDestinationAddress) {
  const auto r = from_client({"http://allowed.test/headers", "-H", "Host:", "--resolve",
                              resolve("allowed.test", "80", kOriginV4)});
  EXPECT_EQ(r.status, 400) << r.run.err;  // HTTP/1.1 requires Host
  // HTTP/1.0 may omit it: then the bare destination address is decided (pupils: blocked).
  const auto old = from_client({"--http1.0", "http://allowed.test/headers", "-H",
                                "Host:", "--resolve", resolve("allowed.test", "80", kOriginV4)});
  EXPECT_EQ(old.status, 403) << old.run.err;
  EXPECT_NE(old.body.find(kOriginV4), std::string::npos) << old.body;
}

TEST_F(TransparentMode, KeepAliveCarriesSeveralRequestsOnOneConnection) {
  const auto r = from_client({"-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}\n",
                              "--resolve", resolve("allowed.test", "80", kOriginV4),
                              "http://allowed.test/bytes/10", "http://allowed.test/bytes/20"});
  EXPECT_EQ(r.run.exit_code, 0) << r.run.err;
  EXPECT_EQ(r.run.out, "1\n0\n");  // the second request reused the first connection
}

TEST_F(TransparentMode, AConnectionThatWasNotRedirectedIsALoop) {
  const auto before = metric("edugate_requests_loop_refused_total");
  // Straight to the listener: its original destination is edugate itself.
  const auto r = from_client({"http://" + std::string(kGatewayLan) + ":3080/"});
  EXPECT_EQ(r.status, 508) << r.run.err;
  EXPECT_EQ(metric("edugate_requests_loop_refused_total") - before, 1);
}

TEST_F(TransparentMode, ClientOutsideClientNetworksIsRefused) {
  const auto before = metric("edugate_connections_refused_network_total");
  const auto http = from_client({"--interface", std::string(kOutsider), "http://allowed.test/",
                                 "--resolve", resolve("allowed.test", "80", kOriginV4)});
  EXPECT_EQ(http.status, 403) << http.run.err;
  const auto tls =
      from_client({"--interface", std::string(kOutsider), "https://allowed.test/", "--resolve",
                   resolve("allowed.test", "443", kOriginV4), "--cacert", ca()});
  EXPECT_NE(tls.run.exit_code, 0);
  EXPECT_EQ(tls.status, 0);
  EXPECT_EQ(metric("edugate_connections_refused_network_total") - before, 2);
}

TEST_F(TransparentMode, AllowedSniIsRelayedEndToEnd) {
  const auto before = metric("edugate_client_hello_sni_found_total");
  const auto r = from_client({"https://allowed.test/conn-id", "--resolve",
                              resolve("allowed.test", "443", kOriginV4), "--cacert", ca()});
  ASSERT_EQ(r.status, 200) << r.run.err << "\n" << env_->edugate->log();
  EXPECT_EQ(metric("edugate_client_hello_sni_found_total") - before, 1);
}

TEST_F(TransparentMode, BlockedSniIsClosedBeforeAnyByteReachesTheOrigin) {
  const auto blocked_before = metric("edugate_sni_blocked_total");
  const auto get_id = [] {
    const auto r = from_client({"https://allowed.test/conn-id", "--resolve",
                                resolve("allowed.test", "443", kOriginV4), "--cacert", ca()});
    EXPECT_EQ(r.status, 200) << r.run.err;
    return r.status == 200 ? std::stoll(r.body) : -1;
  };
  const auto before = get_id();
  const auto blocked = from_client({"https://blocked.test/", "--resolve",
                                    resolve("blocked.test", "443", kOriginV4), "--cacert", ca()});
  EXPECT_NE(blocked.run.exit_code, 0) << blocked.run.out;
  EXPECT_EQ(blocked.status, 0);
  // The origin numbers its connections: the blocked one never reached it.
  EXPECT_EQ(get_id(), before + 1);
  EXPECT_EQ(metric("edugate_sni_blocked_total") - blocked_before, 1);
}

TEST_F(TransparentMode, TlsWithoutSniIsDecidedOnTheDestinationAddress) {
  const auto before = metric("edugate_client_hello_no_sni_total");
  // curl sends no SNI to an IP literal; pupils' groups block bare IP addresses by default.
  const auto r = from_client({"-k", "https://" + std::string(kOriginV4) + "/conn-id"});
  EXPECT_NE(r.run.exit_code, 0) << r.run.out;
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(metric("edugate_client_hello_no_sni_total") - before, 1);
}

TEST_F(TransparentMode, SafeSearchConnectsToTheSafeEndpointInsteadOfTheDestination) {
  const auto before = metric("edugate_decisions_safe_search_total");
  // Nothing listens at the destination the client asked for; forcesafesearch.google.com
  // (overridden to the TLS origin) answers, and the certificate check still passes end to end.
  const auto r = from_client({"https://www.google.com/conn-id", "--resolve",
                              resolve("www.google.com", "443", kNowhere), "--cacert", ca()});
  EXPECT_EQ(r.status, 200) << r.run.err << "\n" << env_->edugate->log();
  EXPECT_EQ(metric("edugate_decisions_safe_search_total") - before, 1);
}

TEST_F(TransparentMode, Ipv6ConnectionsUseTheIpv6OriginalDestination) {
  const auto r = from_client({"http://allowed.test/headers", "--resolve",
                              "allowed.test:80:[" + std::string(kOriginV6) + "]"});
  EXPECT_EQ(r.status, 200) << r.run.err << "\n" << env_->edugate->log();
  const auto blocked = from_client(
      {"http://blocked.test/", "--resolve", "blocked.test:80:[" + std::string(kOriginV6) + "]"});
  EXPECT_EQ(blocked.status, 403) << blocked.run.err;
}

}  // namespace
}  // namespace edugate::itest
