#include "tests/integration/harness/ready_line.hpp"

#include <charconv>

namespace edugate::itest {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::string Endpoint::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string Endpoint::url(std::string_view scheme) const {
  return std::string(scheme) + "://" + authority();
}

std::optional<Endpoint> parse_endpoint(std::string_view text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // an IPv6 address must be bracketed
  }
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
      value > 65535) {
    return std::nullopt;
  }
  return Endpoint{std::string(host), static_cast<std::uint16_t>(value)};
}

std::optional<ReadyLine> parse_ready_line(std::string_view line) {
  const std::size_t marker = line.find(kReadyMarker);
  if (marker == std::string_view::npos) return std::nullopt;
  std::string_view rest = trim(line.substr(marker + kReadyMarker.size()));
  constexpr std::string_view kProxy = "proxy ";
  constexpr std::string_view kAdmin = " admin ";
  if (!rest.starts_with(kProxy)) return std::nullopt;
  rest.remove_prefix(kProxy.size());
  ReadyLine ready;
  const std::size_t admin = rest.find(kAdmin);
  if (admin != std::string_view::npos) {
    ready.admin = parse_endpoint(trim(rest.substr(admin + kAdmin.size())));
    if (!ready.admin) return std::nullopt;
    rest = rest.substr(0, admin);
  }
  for (;;) {  // one endpoint per turn; a comma promises another
    const std::size_t comma = rest.find(',');
    const auto endpoint = parse_endpoint(trim(rest.substr(0, comma)));
    if (!endpoint) return std::nullopt;
    ready.proxies.push_back(*endpoint);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ready;
}

}  // namespace edugate::itest
