#pragma once

// Backups of the report store an admin can restore: `edugate backup` while edugate runs, and
// `edugate restore` with the service stopped. A backup holds what the store holds (aggregate
// counts, labels, rule-set versions), nothing that identifies a pupil.

#include <cstdint>
#include <optional>
#include <string>

#include "reporting/sqlite_handle.hpp"

namespace edugate::reporting {

/// What a backup file holds, as far as restoring it goes.
struct BackupInfo {
  int schema_version = 0;
  std::uint64_t bytes = 0;
};

/// A consistent copy of the store at `store_path` in `out_path`, taken while edugate may be
/// writing it: VACUUM INTO reads in one transaction, so the copy is one committed state (and
/// compacted). Refuses an existing `out_path`. The copy is made 0640 and checked as
/// inspect_backup() does; a copy that fails the check is deleted.
std::optional<StoreError> backup_store(const std::string& store_path, const std::string& out_path,
                                       BackupInfo* info);

/// Checks that `path` is a report store this edugate can use: sound (PRAGMA integrity_check),
/// made by edugate (its tables), and of schema version 1..schema_version() (an older one is
/// migrated when edugate next opens it; a newer one is refused).
std::optional<StoreError> inspect_backup(const std::string& path, BackupInfo* info);

/// Replaces the store at `store_path` with the backup at `backup_path`. Nothing may have the
/// store open: hold StoreLock exclusive. The backup is checked, read whole through SQLite (so a
/// backup that still has its own -wal is copied whole; it is held in memory once, at most
/// reporting.max_store_size), written beside the store with the old store's owner and mode (else
/// the directory's owner and 0640), synced, and renamed over the store after the old store's
/// -wal and -shm are deleted: a stale WAL must never be replayed into the restored file. Until
/// the rename, a failure leaves the old store as it was. Safe as root in a directory the edugate
/// account can write: no name that account could swap is followed.
std::optional<StoreError> restore_store(const std::string& backup_path,
                                        const std::string& store_path, BackupInfo* info);

}  // namespace edugate::reporting
