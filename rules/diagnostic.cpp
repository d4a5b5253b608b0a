#include "rules/diagnostic.hpp"

#include <fmt/format.h>

namespace edugate::rules {

namespace {
constexpr std::size_t kMaxQuoted = 80;
}  // namespace

std::string quote_token(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < token.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (token.size() > kMaxQuoted) out += "...";
  out.push_back('"');
  return out;
}

std::string format(const Diagnostic& d) {
  const char* tag = d.severity == Severity::warning ? "warning: " : "";
  if (d.line <= 0) return fmt::format("{}: {}{}", d.file, tag, d.message);
  return fmt::format("{}:{}:{}: {}{}", d.file, d.line, d.column, tag, d.message);
}

std::size_t error_count(const Diagnostics& diags) noexcept {
  std::size_t n = 0;
  for (const auto& d : diags) n += d.severity == Severity::error ? 1 : 0;
  return n;
}

}  // namespace edugate::rules
