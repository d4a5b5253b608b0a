#include "reporting/device_sketches.hpp"

#include <functional>
#include <string_view>

#include "reporting/hyperloglog.hpp"

namespace edugate::reporting {

std::size_t DeviceSketches::Hash::operator()(const SketchKey& k) const noexcept {
  const std::uint64_t a = (std::uint64_t{static_cast<std::uint32_t>(k.day)} << 32) |
                          (std::uint64_t{k.group} << 16) | k.category;
  return mix64(a ^ mix64(std::uint64_t{k.action} ^ std::hash<std::string_view>{}(k.domain)));
}

DeviceSketches::Sketch& DeviceSketches::at(const SketchKey& key) {
  auto [it, inserted] = sketches_.try_emplace(key);
  if (inserted) it->second.key = key;
  return it->second;
}

void DeviceSketches::forget_before(LocalDay day) {
  std::erase_if(sketches_, [day](const auto& kv) { return kv.first.day < day; });
}

}  // namespace edugate::reporting
