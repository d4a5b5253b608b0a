#include "tests/integration/origin/json.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>

namespace edugate::itest {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c >= 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += ch;
    }
  }
  out += '"';
  return out;
}

std::string headers_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::map<std::string, std::string> joined;
  for (const auto& [name, value] : fields) {
    std::string key = name;
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    auto [it, fresh] = joined.try_emplace(std::move(key), value);
    if (!fresh) it->second += ", " + value;
  }
  std::string out = "{";
  for (const auto& [name, value] : joined) {
    if (out.size() > 1) out += ',';
    out += json_string(name) + ':' + json_string(value);
  }
  out += "}\n";
  return out;
}

}  // namespace edugate::itest
