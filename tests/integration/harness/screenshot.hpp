#pragma once

#include <filesystem>

namespace edugate::itest {

/// Where a test's screenshot goes: next to the test executable, in the build tree, wherever the
/// test runs from (never the source tree).
inline std::filesystem::path screenshot_path(const char* name) {
  return std::filesystem::canonical("/proc/self/exe").parent_path() / name;
}

}  // namespace edugate::itest
