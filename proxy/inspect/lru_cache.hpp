#pragma once

// A bounded least-recently-used map from host names to values, for one worker thread: the
// minted-certificate cache and the "do not inspect" list. Lookups take a string_view and never
// allocate.

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace edugate::proxy::inspect {

template <typename Value>
class LruCache {
 public:
  /// Precondition: capacity >= 1.
  explicit LruCache(std::size_t capacity) : capacity_(capacity) { index_.reserve(capacity); }
  LruCache(const LruCache&) = delete;
  LruCache& operator=(const LruCache&) = delete;

  /// The value under `key`, which becomes the most recently used; nullptr when absent. The
  /// pointer stays valid until the next put() or erase().
  Value* find(std::string_view key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }

  /// Stores `value` under `key` as the most recently used (replacing an older value), evicting
  /// the least recently used entry beyond the capacity. Returns the stored value.
  Value& put(std::string_view key, Value value) {
    if (Value* existing = find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    if (order_.size() >= capacity_) {
      index_.erase(std::string_view(order_.back().first));
      order_.pop_back();
      ++evictions_;
    }
    order_.emplace_front(std::string(key), std::move(value));
    // The key's view points into the list node, which never moves.
    index_.emplace(std::string_view(order_.front().first), order_.begin());
    return order_.front().second;
  }

  /// Removes `key`; false when it was absent.
  bool erase(std::string_view key) {
    const auto it = index_.find(key);
    if (it == index_.end()) return false;
    const auto node = it->second;
    index_.erase(it);
    order_.erase(node);
    return true;
  }

  std::size_t size() const noexcept { return order_.size(); }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t evictions() const noexcept { return evictions_; }

 private:
  using Entry = std::pair<std::string, Value>;
  std::size_t capacity_;
  std::size_t evictions_ = 0;
  std::list<Entry> order_;  ///< most recently used first
  std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;
};

}  // namespace edugate::proxy::inspect
