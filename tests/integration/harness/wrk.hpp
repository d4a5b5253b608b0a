#pragma once

// wrk as a forward-proxy client: its Lua script puts the absolute URL in $TARGET on every request
// line and prints one RESULT line at the end, which parse_wrk_result() reads back.

#include <optional>
#include <regex>
#include <string>

namespace edugate::itest {

/// Write it to a file and run `wrk ... -s FILE PROXY_URL` with TARGET=<absolute URL> set.
inline constexpr const char* kWrkProxyScript = R"(
wrk.path = os.getenv("TARGET")
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
)";

/// What wrk counted: completed responses and each kind of failure.
struct WrkResult {
  long long requests = 0, non2xx = 0, connect = 0, read = 0, write = 0, timeout = 0;
  long long failed() const { return non2xx + connect + read + write + timeout; }
};

/// The RESULT line kWrkProxyScript prints; nullopt for anything else.
inline std::optional<WrkResult> parse_wrk_result(const std::string& line) {
  static const std::regex re(
      "RESULT requests=(\\d+) non2xx=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) "
      "timeout=(\\d+)");
  std::smatch m;
  if (!std::regex_search(line, m, re)) return std::nullopt;
  return WrkResult{std::stoll(m[1]), std::stoll(m[2]), std::stoll(m[3]),
                   std::stoll(m[4]), std::stoll(m[5]), std::stoll(m[6])};
}

}  // namespace edugate::itest
