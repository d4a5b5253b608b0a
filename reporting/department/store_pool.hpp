#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "reporting/department/department_store.hpp"

namespace edugate::reporting::department {

/// A pool of database connections, one DepartmentStore each, shared by the threads that run
/// ingest and queries. A connection is made when no idle one is left (the number of threads
/// using the pool bounds how many exist); one that failed is dropped, not returned, so the next
/// lease connects afresh. Thread-safe.
class StorePool {
 public:
  explicit StorePool(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<DepartmentStore> store)
        : pool_(pool), store_(std::move(store)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (store_ && !broken_) pool_.give_back(std::move(store_));
    }
    DepartmentStore& operator*() { return *store_; }
    DepartmentStore* operator->() { return store_.get(); }
    /// The connection failed mid-use: drop it rather than hand it to the next caller.
    void discard() noexcept { broken_ = true; }

   private:
    StorePool& pool_;
    std::unique_ptr<DepartmentStore> store_;
    bool broken_ = false;
  };

  /// An idle connection, or a new one (throws PgError when the database cannot be reached).
  Lease acquire() {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        auto store = std::move(idle_.back());
        idle_.pop_back();
        return Lease(*this, std::move(store));
      }
    }
    return Lease(*this, std::make_unique<DepartmentStore>(conninfo_));
  }

 private:
  void give_back(std::unique_ptr<DepartmentStore> store) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(store));
  }

  std::string conninfo_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<DepartmentStore>> idle_;
};

}  // namespace edugate::reporting::department
