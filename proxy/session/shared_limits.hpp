#pragma once

#include "proxy/config.hpp"
#include "proxy/net/client_slots.hpp"
#include "proxy/policy/report_guard.hpp"

namespace edugate::proxy::server {

/// The limits every worker enforces together, on state they share (each thread-safe): one device
/// cannot hold every connection, nor flood the report form from several workers at once.
struct SharedLimits {
  explicit SharedLimits(const Config& c) : client_slots(c.limits.max_connections_per_client) {}
  net::ClientSlots client_slots;
  policy::ReportGuard reports;
};

}  // namespace edugate::proxy::server
