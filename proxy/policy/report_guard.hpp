#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "reporting/device_keyring.hpp"
#include "reporting/hour_bucket.hpp"

namespace edugate::proxy::policy {

/// What keeps the anonymous report form honest, shared by all workers:
/// - an anti-forgery token in the form, an HMAC-SHA256 of the device's daily pseudonym and the
///   day under a random key that lives only in RAM, so that another website cannot make a
///   visiting pupil's browser file a report (it can neither read the form nor forge the token),
///   and one device's token is worthless to another;
/// - at most one counted report per device, domain and day, and at most `per_day` per device and
///   day, so that one device cannot flood the reports or fill the store.
/// Nothing here outlives the process or names a device beyond its daily pseudonym (itself a
/// keyed hash in RAM). Thread-safe; one short lock per form submission.
class ReportGuard {
 public:
  enum class Admit { counted, repeat, over_limit };

  /// `per_day` reports per device and day; state for at most `max_devices` devices (beyond it,
  /// new devices' reports are not counted until the day changes).
  explicit ReportGuard(std::uint32_t per_day = 3, std::size_t max_devices = 100'000);
  ReportGuard(const ReportGuard&) = delete;
  ReportGuard& operator=(const ReportGuard&) = delete;

  /// The form token for `device` on `day` (64 hex characters).
  std::string token(reporting::DeviceKey device, reporting::LocalDay day) const;
  /// True when `token` is token(device, day). Constant-time comparison.
  bool valid(std::string_view token, reporting::DeviceKey device, reporting::LocalDay day) const;

  /// Whether a report of `domain` by `device` on `day` is counted. kNoDevice is never counted.
  Admit admit(reporting::DeviceKey device, reporting::LocalDay day, std::string_view domain);

 private:
  static constexpr std::size_t kMaxPerDay = 8;
  struct DeviceDay {
    reporting::LocalDay day = 0;
    std::uint32_t count = 0;
    std::array<std::uint64_t, kMaxPerDay> domains{};  ///< hashes of the domains counted
  };

  const std::uint32_t per_day_;
  const std::size_t max_devices_;
  std::array<unsigned char, 32> key_{};
  reporting::SipKey domain_key_{};
  std::mutex mutex_;
  std::unordered_map<reporting::DeviceKey, DeviceDay> devices_;
  /// The day the full table was last swept of other days' entries: at most one sweep a day,
  /// so a flood of new devices (addresses cycled in an IPv6 /64) cannot make every report
  /// scan the whole table.
  std::optional<reporting::LocalDay> swept_;
};

}  // namespace edugate::proxy::policy
