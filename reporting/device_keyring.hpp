#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "reporting/hour_bucket.hpp"
#include "reporting/siphash.hpp"

namespace edugate::reporting {

/// A keyed hash of a client address, valid for one local day. It is used only to count distinct
/// devices in RAM; it is never stored, logged or exported. kNoDevice means "not known": such a
/// request is counted but adds no device, which can only make suppression stricter. Bit 0 holds
/// the parity of the day it was made for, so a key carried past midnight (a long keep-alive
/// connection) is recognised and not counted as a second device on the next day.
using DeviceKey = std::uint64_t;
inline constexpr DeviceKey kNoDevice = 0;

/// True when `key` is a real device key made for `day` (see DeviceKey).
constexpr bool device_key_fits(DeviceKey key, LocalDay day) noexcept {
  return key != kNoDevice && (key & 1u) == (static_cast<std::uint32_t>(day) & 1u);
}

/// The secret keys behind DeviceKey: one random 128-bit key per local day, generated in RAM from
/// a CSPRNG, never written anywhere, and erased once the day is over, so hashes of different days
/// cannot be linked even by someone who later reads the process memory.
///
/// Threading: rotate() from one thread only (the main thread, at start and at every flush);
/// key_for() from any number of threads at the same time, lock-free and wait-free.
class DeviceKeyring {
 public:
  /// Fills its argument with cryptographically secure random bytes; false on failure.
  using RandomFill = std::function<bool(std::span<std::uint8_t>)>;

  /// Uses OpenSSL's RAND_bytes. Holds no key until the first rotate().
  DeviceKeyring();
  explicit DeviceKeyring(RandomFill random);
  ~DeviceKeyring();
  DeviceKeyring(const DeviceKeyring&) = delete;
  DeviceKeyring& operator=(const DeviceKeyring&) = delete;

  /// Makes sure keys exist for `today` and `today + 1` (so workers crossing midnight before the
  /// next rotate() still find one) and erases every other day's key. Returns false when the random
  /// source failed; the affected day then has no key and its requests count no devices.
  bool rotate(LocalDay today);

  /// The key for `day`, or nullopt when it is not held (never made, or already erased).
  std::optional<SipKey> key_for(LocalDay day) const noexcept;

 private:
  static constexpr std::int64_t kNone = INT64_MIN;
  struct Slot {
    std::atomic<std::int64_t> day{kNone};
    std::array<std::atomic<std::uint64_t>, 2> words{};
  };
  bool install(Slot& slot, LocalDay day);
  Slot& slot_for(LocalDay day) noexcept { return slots_[static_cast<std::uint32_t>(day) & 1u]; }

  RandomFill random_;
  std::array<Slot, 2> slots_;
};

/// The device key of a client address (raw address bytes, e.g. 4 for IPv4 or 16 for IPv6) on
/// local `day`: SipHash-2-4 under that day's key, bit 0 replaced by the day's parity. Returns
/// kNoDevice when the keyring holds no key for `day`. Compute it with the day of the request
/// being counted. Thread-safe, lock-free, no allocation. The caller drops the address afterwards.
DeviceKey device_key(const DeviceKeyring& keyring,
                     std::span<const std::uint8_t> client_address_bytes, LocalDay day) noexcept;

}  // namespace edugate::reporting
