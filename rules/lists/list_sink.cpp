#include "rules/lists/list_sink.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>

#include "rules/normalize/host.hpp"

namespace edugate::rules {
namespace {

constexpr std::size_t kMinSlots = 64;
constexpr std::size_t kMaxQuoted = 80;

std::size_t hash_of(std::string_view s) { return std::hash<std::string_view>{}(s); }

}  // namespace

ListSink::ListSink(std::size_t expected_entries) {
  result_.entries.reserve(expected_entries);
  slots_.assign(std::max(kMinSlots, std::bit_ceil(expected_entries * 2 + 1)), 0);
}

void ListSink::grow() {
  std::vector<std::uint32_t> bigger(slots_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (std::uint32_t slot : slots_) {
    if (slot == 0) continue;
    std::size_t i = hash_of(result_.entries[slot - 1].value) & mask;
    while (bigger[i] != 0) i = (i + 1) & mask;
    bigger[i] = slot;
  }
  slots_.swap(bigger);
}

void ListSink::add_value(const ListLine& line, std::string_view value) {
  if ((result_.entries.size() + 1) * 2 > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = hash_of(value) & mask;
  while (slots_[i] != 0) {
    if (result_.entries[slots_[i] - 1].value == value) {
      ++result_.duplicates;
      return;
    }
    i = (i + 1) & mask;
  }
  result_.entries.push_back(ListEntry{std::string(value), line.number});
  slots_[i] = static_cast<std::uint32_t>(result_.entries.size());
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

std::string quote_token(std::string_view token) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < token.size() && i < kMaxQuoted; ++i) {
    const auto c = static_cast<unsigned char>(token[i]);
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (token.size() > kMaxQuoted) out += "...";
  out.push_back('"');
  return out;
}

}  // namespace edugate::rules
