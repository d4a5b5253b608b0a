#include "reporting/registrable_domain.hpp"

#include <libpsl.h>

#include <algorithm>

namespace edugate::reporting {

std::string_view registrable_domain(std::string_view host, DomainBuffer& buffer) noexcept {
  if (host.empty() || host.size() >= buffer.size()) return {};
  std::copy(host.begin(), host.end(), buffer.begin());
  buffer[host.size()] = '\0';
  const char* reg = psl_registrable_domain(psl_builtin(), buffer.data());
  if (reg == nullptr) return host;
  return std::string_view(reg);
}

}  // namespace edugate::reporting
