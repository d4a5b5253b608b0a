// `edugate explain` and the running proxy agree. An admin asks explain why a URL is blocked or
// not; if explain decided on other facts than the proxy (another URL parser, another path
// normalisation, another way to load the rules), its answer would be wrong exactly where it
// matters. The table runs the shipped sample rules (etc/rules) through both: explain on the
// command line, and the real proxy with curl, whose decision is read from its metrics as a
// delta (exactly one decision counter moves per request).

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "tests/integration/harness/run_command.hpp"
#include "tests/integration/proxy_fixture.hpp"

namespace edugate::itest {
namespace {

constexpr long long kMonday1000 = 1795402800;  // 2026-11-23 10:00 Asia/Ho_Chi_Minh: school hours
constexpr long long kMonday0630 = 1795381800;  // 2026-11-23 06:30: before school

struct Case {
  long long at;
  const char* url;
};

// The group is kiem-thu (127.0.0.0/8, profile thcs) in etc/rules/school.yaml.
constexpr std::array kCases = {
    // Mandatory categories: domains, hosts files, expressions, regexes, keywords.
    Case{kMonday1000, "http://fb88.com/"},
    Case{kMonday1000, "http://www.fb88.com/ca-cuoc"},
    Case{kMonday1000, "http://FB88.COM./"},
    Case{kMonday1000, "http://pornhub.com/"},
    Case{kMonday1000, "http://example-porn.test/"},
    Case{kMonday1000, "http://news.example/phim-sex-hay"},
    Case{kMonday1000, "http://bet88.xyz/"},
    Case{kMonday1000, "http://casino123.top/x"},
    Case{kMonday1000, "http://theync.com/"},
    Case{kMonday1000, "http://sanctioned-suicide.net/"},
    Case{kMonday1000, "http://vietcombank-xacthuc.top/"},
    Case{kMonday1000, "http://www.google.com/search?q=c%E1%BB%9D+b%E1%BA%A1c"},
    Case{kMonday1000, "http://www.google.com/search?q=CO+BAC"},
    // Safe search.
    Case{kMonday1000, "http://www.google.com/search?q=bong+da"},
    Case{kMonday1000, "http://www.bing.com/search?q=bong+da"},
    Case{kMonday1000, "http://www.youtube.com/watch?v=abc"},
    // Scheduled categories, URL prefixes and every way to write a path.
    Case{kMonday1000, "http://kenh14.vn/game/abc"},
    Case{kMonday1000, "http://kenh14.vn//game/abc"},
    Case{kMonday1000, "http://kenh14.vn/%67ame/abc"},
    Case{kMonday1000, "http://kenh14.vn/x/../game/abc"},
    Case{kMonday1000, "http://kenh14.vn/gamex"},
    Case{kMonday1000, "http://kenh14.vn/"},
    Case{kMonday1000, "http://roblox.com/"},
    Case{kMonday1000, "http://www.roblox.com/games"},
    Case{kMonday1000, "http://education.minecraft.net/"},
    Case{kMonday1000, "http://facebook.com/"},
    Case{kMonday1000, "http://m.facebook.com/profile"},
    Case{kMonday1000, "http://nordvpn.com/"},
    Case{kMonday1000, "http://dns.google/"},
    // Allowed: plain sites, a school category this group does not use, the school's exception.
    Case{kMonday1000, "http://vnexpress.net/"},
    Case{kMonday1000, "http://vnexpress.net/giai-tri/phim"},
    Case{kMonday1000, "http://twitch.tv/"},
    Case{kMonday1000, "http://moet.gov.vn/"},
    Case{kMonday1000, "http://en.wikipedia.org/wiki/Vietnam"},
    Case{kMonday1000, "http://xn--bcher-kva.example/"},
    // Before school: the schedules are off, social networks warn.
    Case{kMonday0630, "http://facebook.com/"},
    Case{kMonday0630, "http://roblox.com/"},
    Case{kMonday0630, "http://kenh14.vn/game/abc"},
    // HTTPS without inspection: decided on the CONNECT host (and the SNI).
    Case{kMonday1000, "https://fb88.com/"},
    Case{kMonday1000, "https://www.roblox.com/"},
    Case{kMonday1000, "https://vnexpress.net/"},
    Case{kMonday1000, "https://www.google.com/"},
    Case{kMonday1000, "https://dns.google/"},
    Case{kMonday0630, "https://www.roblox.com/"},
};

/// The host of an http(s) URL in the table (no userinfo, no IPv6 literals there).
std::string host_of(std::string_view url) {
  auto rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("/:?"));
  std::string host(rest);
  for (auto& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

/// "2026-11-23 10:00" for the two instants above.
std::string local_time(long long at) {
  return at == kMonday1000 ? "2026-11-23 10:00" : "2026-11-23 06:30";
}

class ExplainAgreement : public ::testing::Test {
 protected:
  TempDir dir{"edugate-explain"};
  std::filesystem::path clock = dir.write("clock", std::to_string(kMonday1000));
  TestOrigin origin;
  EdugateProcess edugate{config(), options()};

  std::string config() const {
    const std::string etc = std::string(EDUGATE_SOURCE_DIR) + "/etc";
    std::string c = test_config();
    c += "rules:\n  department: " + etc + "/rules/department\n  school: " + etc +
         "/rules/school.yaml\n  timezone: Asia/Ho_Chi_Minh\n";
    // Every host of the table leads to the local origin (with its port, when a forwarded
    // request or tunnel needs to reach something).
    c += "upstream_overrides:\n";
    std::vector<std::string> done;
    for (const auto& k : kCases) {
      const auto host = host_of(k.url);
      if (std::find(done.begin(), done.end(), host) != done.end()) continue;
      done.push_back(host);
      c += "  \"" + host + "\": \"" + origin.endpoint().authority() + "\"\n";
    }
    c += "  \"forcesafesearch.google.com\": \"" + origin.endpoint().authority() + "\"\n";
    return c;
  }
  EdugateOptions options() const {
    EdugateOptions o;
    o.extra_args = {"--test-clock", clock.string()};
    return o;
  }

  /// explain's decision ("BLOCK", "ALLOW", "WARN", "SAFE_SEARCH" ...), or its failure.
  std::string explain(const Case& k) {
    const auto r =
        run_command({edugate_binary(), "explain", k.url, "--client-ip", "127.0.0.1", "--at",
                     local_time(k.at), "--config", edugate.config_path().string()},
                    milliseconds(30000));
    const auto at = r.out.find("decision:   ");
    if (r.exit_code != 0 || at == std::string::npos)
      return "explain failed (" + std::to_string(r.exit_code) + "): " + r.err;
    const auto end = r.out.find('\n', at);
    return r.out.substr(at + 12, end - at - 12);
  }

  /// The proxy's decision, from which of its decision counters moved.
  std::string proxy(const Case& k) {
    dir.write("clock", std::to_string(k.at));
    constexpr std::array<std::pair<const char*, const char*>, 4> kCounters = {{
        {"edugate_decisions_block_total", "BLOCK"},
        {"edugate_decisions_warn_total", "WARN"},
        {"edugate_decisions_allow_total", "ALLOW"},
        {"edugate_decisions_safe_search_total", "SAFE_SEARCH"},
    }};
    std::array<long long, 4> before{};
    for (std::size_t i = 0; i < kCounters.size(); ++i)
      before[i] = metric(edugate, kCounters[i].first);
    const auto r =
        via(edugate, {"-k", "-w", "\n%{http_connect}", std::string(k.url)}, milliseconds(15000));
    std::string moved;
    for (std::size_t i = 0; i < kCounters.size(); ++i) {
      const auto delta = metric(edugate, kCounters[i].first) - before[i];
      if (delta == 0) continue;
      if (!moved.empty()) moved += "+";
      moved += kCounters[i].second + (delta == 1 ? "" : "x" + std::to_string(delta));
    }
    // The answer the pupil got matches the decision: edugate's 403 page for block and warn.
    if ((moved == "BLOCK" || moved == "WARN") && std::string_view(k.url).starts_with("http:")) {
      EXPECT_EQ(r.status, 403) << k.url;
    }
    return moved.empty() ? "no decision counted (status " + std::to_string(r.status) + ")" : moved;
  }
};

TEST_F(ExplainAgreement, ExplainAndTheProxyDecideEveryUrlAlike) {
  static_assert(kCases.size() >= 30);
  std::map<std::string, int> seen;
  for (const auto& k : kCases) {
    const auto expected = explain(k);
    EXPECT_EQ(proxy(k), expected) << k.url << " at " << local_time(k.at);
    ++seen[expected];
  }
  // The table exercises every kind of decision, not only one.
  for (const char* d : {"BLOCK", "ALLOW", "WARN", "SAFE_SEARCH"})
    EXPECT_GE(seen[d], 1) << d << " never decided by the table";
}

}  // namespace
}  // namespace edugate::itest
