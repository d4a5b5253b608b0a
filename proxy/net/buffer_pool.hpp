#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace edugate::proxy::net {

/// Fixed-size relay buffers reused within one worker thread, so that an idle connection holds
/// none and a busy one borrows one per direction. Not thread-safe: one pool per worker.
class BufferPool {
 public:
  class Lease {
   public:
    Lease(BufferPool& pool, std::unique_ptr<char[]> data) : pool_(&pool), data_(std::move(data)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (data_) pool_->give_back(std::move(data_));
    }
    std::span<char> span() const { return {data_.get(), pool_->size_}; }

   private:
    BufferPool* pool_;
    std::unique_ptr<char[]> data_;
  };

  BufferPool(std::size_t buffer_size, std::size_t keep_at_most)
      : size_(buffer_size), keep_(keep_at_most) {}

  Lease take() {
    if (free_.empty()) return Lease(*this, std::make_unique_for_overwrite<char[]>(size_));
    auto data = std::move(free_.back());
    free_.pop_back();
    return Lease(*this, std::move(data));
  }
  std::size_t buffer_size() const { return size_; }

 private:
  void give_back(std::unique_ptr<char[]> data) {
    if (free_.size() < keep_) free_.push_back(std::move(data));
  }

  std::size_t size_;
  std::size_t keep_;
  std::vector<std::unique_ptr<char[]>> free_;
};

}  // namespace edugate::proxy::net
