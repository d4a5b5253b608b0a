#pragma once

// The line edugate prints on stderr once every listener is bound, which is how a test learns
// the ports it chose for `:0` listeners:
//
//   edugate ready: proxy 127.0.0.1:40123, [::1]:40124 admin 127.0.0.1:40125
//
// The admin part is absent when the admin listener is disabled. Anything before the marker
// (a log prefix with time and level) is ignored.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace edugate::itest {

inline constexpr std::string_view kReadyMarker = "edugate ready: ";

struct Endpoint {
  std::string host;  ///< IP literal without brackets
  std::uint16_t port = 0;

  /// host:port, with IPv6 in brackets: "127.0.0.1:3128", "[::1]:3128".
  std::string authority() const;
  /// scheme://authority, e.g. for curl -x.
  std::string url(std::string_view scheme = "http") const;
  bool operator==(const Endpoint&) const = default;
};

struct ReadyLine {
  std::vector<Endpoint> proxies;  ///< in the order of the config's listeners
  std::optional<Endpoint> admin;
};

/// "127.0.0.1:3128" or "[::1]:3128" (port 1-65535); nullopt for anything else.
std::optional<Endpoint> parse_endpoint(std::string_view text);

/// Parses a line holding the ready marker; nullopt when it has none or does not fit the format.
std::optional<ReadyLine> parse_ready_line(std::string_view line);

}  // namespace edugate::itest
