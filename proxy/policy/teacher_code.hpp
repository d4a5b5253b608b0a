#pragma once

#include <string>
#include <string_view>

namespace edugate::proxy::policy {

/// A teacher code as it is hashed: spaces and dashes left out, so "1234-5678 9012" and
/// "123456789012" are the same code. Pure.
inline std::string normalized_teacher_code(std::string_view typed) {
  std::string out;
  for (const char c : typed)
    if (c != ' ' && c != '-') out += c;
  return out;
}

}  // namespace edugate::proxy::policy
