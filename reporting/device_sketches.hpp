#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "reporting/distinct_counter.hpp"
#include "reporting/hour_bucket.hpp"

namespace edugate::reporting {

/// Identity of a distinct-device sketch. group/category are LabelRegistry ids, action the
/// Tallied value; kAny in any of them (or domain "*") means "all".
struct SketchKey {
  static constexpr std::uint16_t kAny = 0xffff;
  LocalDay day = 0;
  std::uint16_t group = kAny;
  std::uint16_t category = kAny;
  std::uint16_t action = kAny;
  std::string domain = "*";
  friend bool operator==(const SketchKey&, const SketchKey&) = default;
};

/// The per-day distinct-device sketches, held in RAM by the flushing thread only and never
/// persisted: only their counts are written. Not thread-safe; owned by Aggregator.
class DeviceSketches {
 public:
  struct Sketch {
    SketchKey key;
    DistinctCounter devices;
    bool touched = false;  ///< changed since the last take_touched()
  };

  /// The sketch for `key`, created empty on first use. The reference stays valid until
  /// forget_before() drops its day.
  Sketch& at(const SketchKey& key);
  /// Calls `f(const Sketch&)` for each sketch touched since the last call and clears the flags.
  template <class F>
  void take_touched(F&& f) {
    for (auto& [_, s] : sketches_)
      if (s.touched) {
        f(static_cast<const Sketch&>(s));
        s.touched = false;
      }
  }
  /// Drops (and so forgets) every sketch of a day before `day`.
  void forget_before(LocalDay day);
  std::size_t size() const noexcept { return sketches_.size(); }

 private:
  struct Hash {
    std::size_t operator()(const SketchKey& k) const noexcept;
  };
  std::unordered_map<SketchKey, Sketch, Hash> sketches_;
};

}  // namespace edugate::reporting
