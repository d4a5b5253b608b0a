#pragma once

#include <optional>
#include <string_view>

namespace edugate::rules {

/// The block-list formats that admins already have.
enum class ListFormat {
  domains,                ///< one domain per line ("*.a.com" and ".a.com" mean a.com)
  hosts,                  ///< hosts file: "0.0.0.0 a.com b.com"
  adguard,                ///< AdGuard/ABP network rules "||a.com^"
  dnsmasq,                ///< "server=/a.com/", "address=/a.com/0.0.0.0", "local=/a.com/"
  squidguard_urls,        ///< squidGuard/UT1 "urls": "host/path" prefixes without scheme
  squidguard_expressions  ///< squidGuard/UT1 "expressions": one regular expression per line
};

/// Reads the format name used in rule files: "domains", "hosts", "adguard", "dnsmasq", "urls",
/// "expressions" (exact, lowercase). Returns nullopt for anything else.
std::optional<ListFormat> parse_list_format(std::string_view name);

/// The name parse_list_format() accepts for `format`.
std::string_view to_string(ListFormat format);

}  // namespace edugate::rules
