#include "rules/lists/list_sink.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>

#include "rules/normalize/host.hpp"

namespace edugate::rules {
namespace {

constexpr std::size_t kMinSlots = 64;
constexpr std::uint64_t kIndexMask = 0xffffffffULL;
constexpr std::size_t kPrefetchDistance = 16;

std::size_t hash_of(std::string_view s) { return std::hash<std::string_view>{}(s); }

}  // namespace

ListSink::ListSink(std::size_t expected_entries) {
  result_.entries.reserve(expected_entries);
  hashes_.reserve(expected_entries);
}

void ListSink::add_value(const ListLine& line, std::string_view value) {
  result_.entries.push_back(ListEntry{std::string(value), line.number});
  hashes_.push_back(hash_of(value));
}

ListReadResult ListSink::take() {
  remove_duplicates();
  return std::move(result_);
}

void ListSink::remove_duplicates() {
  auto& entries = result_.entries;
  const std::size_t count = entries.size();
  // Slot: 0 = empty, else (upper hash bits) | (final index + 1). The hash bits let a probe pass
  // over other values without reading their strings.
  std::vector<std::uint64_t> slots(std::max(kMinSlots, std::bit_ceil(count * 2 + 1)), 0);
  const std::size_t mask = slots.size() - 1;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (i + kPrefetchDistance < count) {
      __builtin_prefetch(&slots[hashes_[i + kPrefetchDistance] & mask]);
    }
    const std::uint64_t tag = static_cast<std::uint64_t>(hashes_[i]) & ~kIndexMask;
    std::size_t s = hashes_[i] & mask;
    bool duplicate = false;
    while (slots[s] != 0 && !duplicate) {
      duplicate = (slots[s] & ~kIndexMask) == tag &&
                  entries[(slots[s] & kIndexMask) - 1].value == entries[i].value;
      s = duplicate ? s : (s + 1) & mask;
    }
    if (duplicate) continue;
    if (kept != i) entries[kept] = std::move(entries[i]);
    slots[s] = tag | ++kept;
  }
  result_.duplicates += count - kept;
  entries.resize(kept);
  hashes_.clear();
}

void ListSink::add_host(const ListLine& line, std::string_view token) {
  if (!normalize_host_into(token, scratch_)) {
    problem(line, token, "invalid host name " + quote_token(token));
    return;
  }
  add_value(line, scratch_);
}

void ListSink::problem(const ListLine& line, std::string_view part, std::string message) {
  const auto at = reinterpret_cast<std::uintptr_t>(part.data());
  const auto begin = reinterpret_cast<std::uintptr_t>(line.text.data());
  const bool inside = at >= begin && at <= begin + line.text.size();
  const std::uint32_t column = inside ? line.column_of(part) : 1;
  result_.problems.push_back(ListProblem{line.number, column, std::move(message)});
}

}  // namespace edugate::rules
