#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/diagnostic.hpp"

namespace edugate::reporting::department {

/// `edugate department serve --config department.yaml` (see etc/department.yaml).
struct DepartmentSettings {
  std::string listen;  ///< "address:port", HTTPS
  std::string tls_cert, tls_key;
  std::string database;                       ///< libpq connection string
  std::string schools;                        ///< the registry CSV, imported at start and on SIGHUP
  std::vector<std::string> api_tokens;        ///< sha256:<hex> of the read API's bearer tokens
  std::string timezone = "Asia/Ho_Chi_Minh";  ///< where a school's week ends
  std::chrono::seconds late_after{std::chrono::hours(48)};  ///< after the week's end
  std::uint64_t max_report_bytes = 8u << 20;                ///< a larger POST is answered 413
  double school_reports_per_minute = 6;  ///< accepted reports per school (429 beyond)
  int school_burst = 60;  ///< a school's backlog after an outage arrives at once: 12 weeks
  /// Report deliveries one address may make, before anything is parsed (schools behind one
  /// NAT share an address); the burst is one minute's worth.
  double address_reports_per_minute = 600;
  std::size_t max_connections = 4096;  ///< open at once, in total
  std::size_t db_connections = 0;      ///< the pool; 0 = the number of CPUs, at least 2
  int k = 10;  ///< smallest published cell in tables the department publishes further
  /// Pulls from schools whose registry row has a pull_url: how often the missing weeks are
  /// looked for, whose certificate authority the schools' listeners use ("" = the system's),
  /// and how many closed weeks back a missing one is fetched.
  std::chrono::seconds pull_interval{std::chrono::hours(1)};
  std::string pull_ca;
  int pull_weeks = 12;
};

/// Reads and checks the file; every problem is a `file:line:col: message` diagnostic, and any
/// error yields nullopt. Relative paths resolve against the file's directory.
std::optional<DepartmentSettings> load_department_settings(const std::string& path,
                                                           rules::Diagnostics& diags);

}  // namespace edugate::reporting::department
