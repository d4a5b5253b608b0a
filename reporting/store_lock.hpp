#pragma once

// Who may have the report store open while it is replaced. `edugate run` holds this lock shared
// for its whole life and `edugate restore` exclusive while it swaps the file, so a restore never
// replaces the store under a running edugate, and edugate never starts in the middle of a
// restore. The lock is flock(2) on a file beside the store (`<store>.lock`), never on the
// database itself: SQLite's own fcntl locks on the database stay untouched (closing any other
// descriptor of the database file would drop them).

#include <string>
#include <utility>

namespace edugate::reporting {

class StoreLock {
 public:
  enum class Mode { shared, exclusive };

  /// Why a lock was not taken: `busy` when another process holds it in a conflicting mode
  /// (the only case a caller should stop for), else the lock file could not be opened.
  struct Failure {
    bool busy = false;
    std::string message;
  };

  /// Tries once, never waits. On failure the returned lock is not held and `why` says why.
  static StoreLock try_lock(const std::string& store_path, Mode mode, Failure* why);

  StoreLock() = default;
  StoreLock(StoreLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  StoreLock& operator=(StoreLock&& other) noexcept;
  StoreLock(const StoreLock&) = delete;
  StoreLock& operator=(const StoreLock&) = delete;
  ~StoreLock();

  bool held() const noexcept { return fd_ >= 0; }

  /// The lock file of a store: "<store>.lock".
  static std::string path_for(const std::string& store_path) { return store_path + ".lock"; }

 private:
  explicit StoreLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace edugate::reporting
