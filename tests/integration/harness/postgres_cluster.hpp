#pragma once
// A throwaway PostgreSQL 15 cluster for one test (Debian's postgresql-15): initdb into a
// private directory, the server as the `postgres` user (when the tests run as root) listening
// on a Unix socket in that directory only, stopped and removed at destruction.

#include <filesystem>
#include <optional>
#include <string>

#include "tests/integration/harness/process.hpp"

namespace edugate::itest {

class PostgresCluster {
 public:
  /// Why a cluster cannot be started here (no postgresql-15), or nullopt when it can.
  static std::optional<std::string> unavailable();

  /// initdb and start; throws std::runtime_error with the server's words on failure.
  PostgresCluster();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  /// Creates database `name` and returns its libpq connection string.
  std::string create_database(const std::string& name) const;
  /// The connection string of database `name` (no check that it exists).
  std::string conninfo(const std::string& name) const;
  /// Runs `sql` in database `name` with psql; returns its unaligned, tuples-only output.
  std::string psql(const std::string& name, const std::string& sql) const;
  /// Stops the server (fast), or starts it again: for outage tests.
  void stop();
  void start();

 private:
  std::filesystem::path dir_;
  std::string user_prefix_;  ///< "runuser -u postgres --" as root
};

}  // namespace edugate::itest
