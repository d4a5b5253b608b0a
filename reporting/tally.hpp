#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reporting/dense_index.hpp"
#include "reporting/device_keyring.hpp"
#include "reporting/hour_bucket.hpp"
#include "reporting/tallied.hpp"

namespace edugate::reporting {

/// One counter's identity inside a Tally. `category` and `group` are LabelRegistry ids; `domain`
/// is a Tally-local id (0 = no domain).
struct CountKey {
  LocalDay day = 0;
  std::uint8_t hour = 0;
  Tallied action = Tallied::allow;
  std::uint16_t category = 0;
  std::uint16_t group = 0;
  std::uint32_t domain = 0;
  friend bool operator==(const CountKey&, const CountKey&) = default;
};

struct CountEntry {
  CountKey key;
  std::uint64_t requests = 0;
  DeviceKey last_device = kNoDevice;  ///< skips the pair lookup for bursts from one device
};

/// "Device `device` contributed to entry `entry` during this interval."
struct DevicePair {
  std::uint32_t entry = 0;
  DeviceKey device = kNoDevice;
};

/// What one worker counted during one flush interval: counters, the distinct (counter, device)
/// pairs, the domains it saw and the rule-set versions in use. Owned by one thread at a time
/// (the worker while active, the flusher while draining); see Recorder for the hand-over.
/// Keeps its memory across reset(), so steady-state counting does not allocate.
class Tally {
 public:
  /// Adds one request (or event) to `key`, and `device` (unless kNoDevice) to its devices.
  void add(const CountKey& key, DeviceKey device);
  /// The Tally-local id of the registrable domain of `host` (see registrable_domain()); 0 for
  /// "". Remembers each host, so the Public Suffix List is consulted, and memory allocated, only
  /// on a host's first sight in an interval.
  std::uint32_t domain_id(std::string_view host);
  /// Records that rule-set `version` (a LabelRegistry id) was in use on `day`.
  void note_version(LocalDay day, std::uint16_t version) {
    if (day != seen_day_ || version != seen_version_) note_version_slow(day, version);
  }

  const std::vector<CountEntry>& entries() const noexcept { return entries_; }
  /// The domain with id `id` (>= 1).
  const std::string& domain(std::uint32_t id) const { return domains_[id - 1]; }
  const std::vector<DevicePair>& pairs() const noexcept { return pairs_; }
  const std::vector<std::pair<LocalDay, std::uint16_t>>& versions() const noexcept {
    return versions_;
  }
  bool empty() const noexcept { return entries_.empty() && versions_.empty(); }

  /// Forgets everything counted, keeping capacity.
  void reset();

 private:
  void add_pair(std::uint32_t entry, DeviceKey device);
  void note_version_slow(LocalDay day, std::uint16_t version);

  std::vector<CountEntry> entries_;
  DenseIndex entry_index_;
  std::vector<DevicePair> pairs_;
  DenseIndex pair_index_;
  std::uint32_t intern_domain(std::string_view domain);

  std::vector<std::string> domains_;
  DenseIndex domain_index_;
  std::vector<std::pair<std::string, std::uint32_t>> hosts_;  ///< host → domain id
  DenseIndex host_index_;
  std::vector<std::pair<LocalDay, std::uint16_t>> versions_;
  LocalDay seen_day_ = INT32_MIN;
  std::uint16_t seen_version_ = 0;
};

}  // namespace edugate::reporting
