#include "reporting/label_registry.hpp"

#include <algorithm>

namespace edugate::reporting {

namespace {

template <class Vec, class Key>
std::uint16_t find_or_add(Vec& items, const Key& key, const typename Vec::value_type& item) {
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (key(items[i]) == key(item)) {
      items[i] = item;
      return static_cast<std::uint16_t>(i);
    }
  }
  if (items.size() >= LabelRegistry::kMaxIds) return LabelRegistry::kUnknown;
  items.push_back(item);
  return static_cast<std::uint16_t>(items.size() - 1);
}

}  // namespace

LabelRegistry::LabelRegistry() {
  data_.categories.push_back({"", "Không phân loại", "Uncategorised"});
  data_.groups.push_back({"unknown", "Không rõ nhóm / unknown group", ""});
  data_.versions.push_back("unknown");
}

std::uint16_t LabelRegistry::category(const CategoryLabel& label) {
  std::lock_guard lock(mutex_);
  if (label.key.empty()) return kUnknown;
  return find_or_add(
      data_.categories, [](const CategoryLabel& c) { return c.key; }, label);
}

std::uint16_t LabelRegistry::group(const GroupLabel& label) {
  std::lock_guard lock(mutex_);
  return find_or_add(
      data_.groups, [](const GroupLabel& g) { return g.key; }, label);
}

std::uint16_t LabelRegistry::version(std::string_view version) {
  std::lock_guard lock(mutex_);
  auto& v = data_.versions;
  const auto it = std::find(v.begin() + 1, v.end(), version);
  if (it != v.end()) return static_cast<std::uint16_t>(it - v.begin());
  if (v.size() >= kMaxIds) return kUnknown;
  v.emplace_back(version);
  return static_cast<std::uint16_t>(v.size() - 1);
}

LabelRegistry::Snapshot LabelRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  return data_;
}

}  // namespace edugate::reporting
