#pragma once

#include <string_view>
#include <utility>

namespace edugate::rules::load {

/// Splits a squidGuard urls entry "host[:port]/path[?query]" (the list reader's form) into the
/// host and "/path[?query]". The port is dropped: a prefix matches on every port. Pure.
inline std::pair<std::string_view, std::string_view> split_url_entry(std::string_view entry) {
  const auto slash = entry.find('/');
  std::string_view host = entry.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "/" : entry.substr(slash);
  if (host.starts_with('[')) {
    host = host.substr(1, host.find(']') - 1);
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  return {host, path};
}

}  // namespace edugate::rules::load
