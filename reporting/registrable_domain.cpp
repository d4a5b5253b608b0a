#include "reporting/registrable_domain.hpp"

#include <libpsl.h>

#include <algorithm>

namespace edugate::reporting {

namespace {

bool is_ip_literal(std::string_view host) noexcept {
  if (host.find(':') != std::string_view::npos) return true;  // IPv6, bracketed or not
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  const auto dot = host.rfind('.');
  const auto last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  return !last.empty() &&
         std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string_view registrable_domain(std::string_view host, DomainBuffer& buffer) noexcept {
  if (host.empty() || host.size() >= buffer.size()) return {};
  if (is_ip_literal(host)) return kBareIp;
  std::copy(host.begin(), host.end(), buffer.begin());
  buffer[host.size()] = '\0';
  const char* reg = psl_registrable_domain(psl_builtin(), buffer.data());
  if (reg == nullptr) return host;
  return std::string_view(reg);
}

bool is_public_suffix(std::string_view host) noexcept {
  DomainBuffer buffer;
  if (host.empty() || host.size() >= buffer.size() || is_ip_literal(host)) return false;
  std::copy(host.begin(), host.end(), buffer.begin());
  buffer[host.size()] = '\0';
  return psl_is_public_suffix2(psl_builtin(), buffer.data(),
                               PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

}  // namespace edugate::reporting
