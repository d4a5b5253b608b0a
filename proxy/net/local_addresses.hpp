#pragma once

#include <vector>

#include "rules/cidr.hpp"

namespace edugate::proxy::net {

/// Every address of this machine's interfaces (IPv4 and IPv6, up or down) and each IPv4
/// interface's broadcast address, sorted and without duplicates (getifaddrs). Empty when the
/// kernel cannot be asked; loopback is denied by the destination policy regardless.
std::vector<rules::IpBytes> local_addresses();

}  // namespace edugate::proxy::net
