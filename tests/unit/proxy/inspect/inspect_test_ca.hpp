#pragma once

// A school CA made in memory for the inspection unit tests.

#include <chrono>

#include "proxy/inspect/school_ca.hpp"

namespace edugate::proxy::inspect::testing {

/// 2026-11-23 07:00 local time in Hanoi, as a fixed "now".
inline std::chrono::system_clock::time_point test_now() {
  return std::chrono::system_clock::time_point(std::chrono::seconds(1795392000));
}

inline SchoolCa make_test_ca(std::chrono::system_clock::time_point now = test_now()) {
  SchoolCa ca;
  ca.key = generate_p256_key();
  ca.cert = make_ca_certificate(ca.key.get(), "THCS Thử nghiệm", now, random_serial());
  return ca;
}

}  // namespace edugate::proxy::inspect::testing
