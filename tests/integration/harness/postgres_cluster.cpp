#include "tests/integration/harness/postgres_cluster.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path kBin = "/usr/lib/postgresql/15/bin";

std::vector<std::string> as_postgres(std::vector<std::string> argv) {
  if (geteuid() != 0) return argv;
  // From / : the test's working directory may be closed to the postgres user.
  std::vector<std::string> out = {"runuser", "-u", "postgres", "--", "env", "-C", "/"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

CommandResult must(std::vector<std::string> argv, const char* what) {
  auto r = run_command(as_postgres(std::move(argv)), 120s);
  if (r.exit_code != 0) throw std::runtime_error(std::string(what) + " failed: " + r.err + r.out);
  return r;
}

}  // namespace

std::optional<std::string> PostgresCluster::unavailable() {
  if (!fs::exists(kBin / "initdb") || !fs::exists(kBin / "pg_ctl") || !fs::exists(kBin / "psql"))
    return "postgresql-15 is not installed (scripts/deps test installs it)";
  if (geteuid() == 0 && getpwnam("postgres") == nullptr)
    return "no postgres user to run the server as";
  return std::nullopt;
}

PostgresCluster::PostgresCluster() {
  const char* base = std::getenv("TMPDIR");
  std::string templ = std::string(base && *base ? base : "/tmp") + "/edugate-pg-XXXXXX";
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = templ;
  if (geteuid() == 0) {
    const passwd* pw = getpwnam("postgres");
    if (!pw || chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0)
      throw std::runtime_error("cannot give " + dir_.string() + " to postgres");
  }
  chmod(dir_.c_str(), 0755);
  must({(kBin / "initdb").string(), "-D", (dir_ / "data").string(), "-A", "trust", "-U", "postgres",
        "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"},
       "initdb");
  start();
}

void PostgresCluster::start() {
  // No TCP at all: the socket in the cluster's own directory; no fsync (a test cluster).
  must({(kBin / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-l",
        (dir_ / "server.log").string(), "-w", "-t", "60", "-o",
        "-c listen_addresses='' -c unix_socket_directories='" + dir_.string() +
            "' -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
        "start"},
       "pg_ctl start");
}

void PostgresCluster::stop() {
  run_command(as_postgres({(kBin / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-w", "-m",
                           "fast", "stop"}),
              60s);
}

PostgresCluster::~PostgresCluster() {
  try {
    run_command(as_postgres({(kBin / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-w", "-m",
                             "immediate", "stop"}),
                60s);
  } catch (...) {
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresCluster::conninfo(const std::string& name) const {
  return "host=" + dir_.string() + " user=postgres dbname=" + name;
}

std::string PostgresCluster::create_database(const std::string& name) const {
  must({(kBin / "createdb").string(), "-h", dir_.string(), "-U", "postgres", name}, "createdb");
  return conninfo(name);
}

std::string PostgresCluster::psql(const std::string& name, const std::string& sql) const {
  return must({(kBin / "psql").string(), "-h", dir_.string(), "-U", "postgres", "-d", name, "-X",
               "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql},
              "psql")
      .out;
}

}  // namespace edugate::itest
