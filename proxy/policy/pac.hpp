#pragma once

#include <optional>
#include <string>

#include "proxy/config.hpp"
#include "rules/diagnostic.hpp"

namespace edugate::proxy::policy {

/// Builds the proxy auto-config script from the `pac:` settings and the template (the config's
/// `pac.template`, or the built-in copy of etc/proxy.pac). nullopt with a diagnostic when the
/// template cannot be read.
std::optional<std::string> build_pac(const PacConfig& pac, rules::Diagnostics& diags);

/// Media type of a PAC file.
inline constexpr const char* kPacContentType = "application/x-ns-proxy-autoconfig";

}  // namespace edugate::proxy::policy
