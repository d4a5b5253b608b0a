#include "rules/lists/list_format.hpp"

#include <array>
#include <utility>

namespace edugate::rules {
namespace {

constexpr std::array<std::pair<std::string_view, ListFormat>, 6> kNames{{
    {"domains", ListFormat::domains},
    {"hosts", ListFormat::hosts},
    {"adguard", ListFormat::adguard},
    {"dnsmasq", ListFormat::dnsmasq},
    {"urls", ListFormat::squidguard_urls},
    {"expressions", ListFormat::squidguard_expressions},
}};

}  // namespace

std::optional<ListFormat> parse_list_format(std::string_view name) {
  for (const auto& [text, format] : kNames) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view to_string(ListFormat format) {
  for (const auto& [text, value] : kNames) {
    if (value == format) return text;
  }
  return "unknown";
}

}  // namespace edugate::rules
