#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/labels.hpp"

namespace edugate::reporting {

/// Interns category keys, group keys and rule-set versions as small ids shared by all Recorders,
/// so the hot path handles integers and the flush turns them back into stable strings.
/// Id 0 is reserved: the empty category key (nothing matched), the "unknown" group, the unknown
/// rule-set version. After kMaxIds distinct entries further new keys map to id 0.
/// Thread-safe (one mutex); used only off the hot path (Recorder::set_labels and flush).
class LabelRegistry {
 public:
  static constexpr std::uint16_t kUnknown = 0;
  static constexpr std::size_t kMaxIds = 0xfff0;

  LabelRegistry();

  /// Id of the category's key; refreshes its display labels (the newest rule set wins).
  std::uint16_t category(const CategoryLabel& label);
  /// Id of the group's key; refreshes its display name.
  std::uint16_t group(const GroupLabel& label);
  /// Id of a rule-set version string.
  std::uint16_t version(std::string_view version);

  struct Snapshot {
    std::vector<CategoryLabel> categories;  ///< index = id
    std::vector<GroupLabel> groups;         ///< index = id
    std::vector<std::string> versions;      ///< index = id
  };
  /// A copy of everything interned so far (ids stay valid forever).
  Snapshot snapshot() const;

 private:
  mutable std::mutex mutex_;
  Snapshot data_;
};

}  // namespace edugate::reporting
