#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reporting/department/ingest.hpp"
#include "reporting/department/pg_connection.hpp"
#include "reporting/department/registry.hpp"

namespace edugate::reporting::department {

/// Version of the database schema this edugate writes; migrations up to it are applied by
/// migrate(), and a database of a newer version is refused (an older binary must not write it).
inline constexpr int kDepartmentSchemaVersion = 2;

/// The department's PostgreSQL store: the registry, every report received (the signed bytes as
/// received, and their cells for province tables), and what completeness needs. One instance
/// per connection and thread. Methods throw PgError when the database fails; no transaction is
/// ever held across the caller's network I/O (each method is one transaction, bytes in hand).
class DepartmentStore {
 public:
  explicit DepartmentStore(const std::string& conninfo) : db_(conninfo) {}

  /// Applies pending migrations, each in its own transaction, under an advisory lock (two
  /// services starting together migrate once). Throws PgError, or std::runtime_error for a
  /// database newer than this binary.
  void migrate();

  struct ImportSummary {
    std::size_t added = 0, updated = 0, unchanged = 0, retired = 0;
  };
  /// Makes the registry table say what `schools` says, in one transaction: new schools added,
  /// changed ones updated, schools no longer listed marked retired (their history kept, and
  /// they are no longer expected), a retired school listed again restored.
  /// Refused (std::runtime_error, nothing changed) when it would retire more than half of the
  /// schools in the registry, unless `allow_shrink`.
  ImportSummary import_registry(const std::vector<RegisteredSchool>& schools,
                                bool allow_shrink = false);

  /// (school id, base64 Ed25519 key) of every school in the registry.
  std::vector<std::pair<std::string, std::string>> registered_keys();

  enum class Stored { created, repeat, revision };
  struct StoreOutcome {
    Stored stored = Stored::created;
    int revision = 1;  ///< 1 for the first document of a school, node and week
  };
  /// Stores a verified report and its raw bytes. The same report again (find_repeat) is a
  /// repeat and writes nothing, whichever revision is current (replaying an old revision cannot
  /// make it current again); a different report for the same school, node and week is a new
  /// revision, which becomes the current one (the older is kept, and the log says so).
  StoreOutcome store_report(const IngestedReport& report, std::string_view body);
  /// The revision of an earlier delivery of this very report (the same bytes, or the same
  /// signed content serialised otherwise), if any: a repeat, which changes nothing.
  std::optional<int> find_repeat(const IngestedReport& report);

  struct Completeness {
    std::string week;
    std::size_t expected = 0, received = 0;
    std::vector<std::string> missing;  ///< school ids, sorted
    std::vector<std::string> late;     ///< received, the first one after the due time
    /// Every registered school, by id: for the dashboard's table.
    struct School {
      std::string id, name, district;
      bool received = false, late = false;
      std::string first_at;  ///< when its first report for the week arrived, local time
    };
    std::vector<School> schools;
  };
  /// Which registered schools have sent `iso_week` ("2026-W48"), and which of them late: after
  /// the week's end (Sunday 24:00 in `timezone`) plus `late_after`.
  Completeness completeness(std::string_view iso_week, std::string_view timezone,
                            std::chrono::seconds late_after);

  /// A registered school with a pull_url and the weeks of `weeks` it has sent nothing for.
  struct PullTarget {
    std::string school_id, url, token_file;
    std::vector<std::string> weeks;  ///< in the order of `weeks`
  };
  std::vector<PullTarget> pull_targets(const std::vector<std::string>& weeks);

  /// Reports stored (all revisions) and schools registered: for /metrics.
  struct Totals {
    long long reports = 0, schools = 0;
  };
  Totals totals();

  PgConnection& connection() { return db_; }

 private:
  PgConnection db_;
};

}  // namespace edugate::reporting::department
