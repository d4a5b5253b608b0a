#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "reporting/calendar.hpp"
#include "reporting/openssl_handles.hpp"

namespace edugate::reporting::department {

/// A made-up province for demonstrations and load tests (`edugate department demo`): schools
/// spread over real district names and levels, each with its own Ed25519 key, and a signed
/// weekly report per school and week with plausible counts. Nothing in it is real data.
struct DemoSchool {
  std::string id, name, district;
  std::vector<std::string> levels;
  EvpPkey key;  ///< signs its reports
  std::string public_key_pem;
};

struct DemoOptions {
  int schools = 40;
  int weeks = 8;
  LocalDay last_week_day = 0;  ///< a day of the last week reported
  std::uint64_t seed = 1;
};

/// The schools, keys made with OpenSSL's CSPRNG (the seed only shapes names and counts).
std::vector<DemoSchool> demo_schools(const DemoOptions& options);

/// The signed weekly report of `school` for the ISO week that `day` falls in (JSON text).
std::string demo_report(const DemoSchool& school, LocalDay day, std::uint64_t seed);

}  // namespace edugate::reporting::department
