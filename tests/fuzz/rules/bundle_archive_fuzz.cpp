// libFuzzer target: a department bundle archive (gzip tar) from untrusted bytes, read by the
// same unpack() rules.update uses after the hash check. Every entry unpack() accepts must be a
// clean relative name; nothing may crash, leak or hit UB, and the limits must hold.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "rules/update/archive.hpp"

using namespace edugate::rules;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  update::UnpackLimits limits;
  limits.max_total_bytes = 4 << 20;
  limits.max_files = 64;
  std::string error;
  const auto files = update::unpack(bytes, limits, error);
  if (!files) return 0;
  std::uint64_t total = 0;
  for (const auto& [name, content] : *files) {
    total += content.size();
    if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos ||
        name.find("//") != std::string::npos)
      __builtin_trap();
  }
  if (total > limits.max_total_bytes || files->size() > limits.max_files) __builtin_trap();
  // What was read packs again and reads back the same.
  if (const auto packed = update::pack(*files, error)) {
    const auto back = update::unpack(*packed, {}, error);
    if (!back || *back != *files) __builtin_trap();
  }
  return 0;
}
