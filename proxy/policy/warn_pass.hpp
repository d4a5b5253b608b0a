#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace edugate::proxy::policy {

/// Short-lived passes for the warn page's "continue" button. A pass names no one: it is an
/// expiry time and an HMAC-SHA-256 over (purpose, host, expiry) under a key that lives only in
/// this process's memory, so it is valid for that one host until it expires (or edugate
/// restarts). Two appliances of one school behind a load balancer may share the key
/// (`warn_pass_key_file`), so that a device moved to the other one keeps its pass.
/// Thread-safe (immutable after construction).
class WarnPass {
 public:
  enum class Purpose : char { click = 'c', cookie = 'p' };
  using Key = std::array<std::uint8_t, 32>;

  /// A fresh random key (OpenSSL RAND_bytes). Throws std::runtime_error if no randomness.
  WarnPass();
  explicit WarnPass(const Key& key) : key_(key) {}

  /// The key in `path`: 64 hex digits (a trailing newline allowed), in a regular file no one but
  /// its owner and group may read (0600, 0640, 0400 or 0440: the key forges passes). nullopt
  /// with `error` otherwise. Make one with: openssl rand -hex 32.
  static std::optional<Key> read_key_file(const std::string& path, std::string& error);

  /// "EXPIRY.HMAC" (decimal Unix seconds, 32 hex digits): safe in a URL and a cookie.
  std::string issue(Purpose purpose, std::string_view host,
                    std::chrono::system_clock::time_point expiry) const;
  /// True when `token` was issued for this purpose and host and has not expired at `now`.
  /// Compares in constant time.
  bool valid(Purpose purpose, std::string_view token, std::string_view host,
             std::chrono::system_clock::time_point now) const;

 private:
  std::string mac(Purpose purpose, std::string_view host, long long expiry) const;
  Key key_;
};

}  // namespace edugate::proxy::policy
