#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"  // quote_token
#include "rules/lists/list_reader.hpp"

namespace edugate::rules {

/// One line of a list, without its line end; columns are 1-based offsets into `text`.
struct ListLine {
  std::string_view text;
  std::uint32_t number = 0;
  std::uint32_t column_of(std::string_view part) const {
    return static_cast<std::uint32_t>(part.data() - text.data()) + 1;
  }
};

/// Collects what the line readers find: normalises hosts, records problems, and at the end drops
/// duplicates. Deduplication runs once over all entries with an open-addressing table of indices
/// (no second copy of each string) whose probes are prefetched a few entries ahead: with 100k+
/// entries the table is far larger than the caches and a miss per entry would dominate the read.
/// Internal to rules/lists. Not thread-safe; one per read_list() call.
class ListSink {
 public:
  explicit ListSink(std::size_t expected_entries);

  /// Normalises `token` (a part of `line`) as a host and adds it, or records a problem.
  void add_host(const ListLine& line, std::string_view token);
  /// Adds an already-final value (duplicates are removed by take()).
  void add_value(const ListLine& line, std::string_view value);
  /// Records a problem at `part` of `line` (column 1 when `part` does not point into the line).
  void problem(const ListLine& line, std::string_view part, std::string message);

  void comment() { ++result_.skipped_comments; }
  void unsupported() { ++result_.skipped_unsupported; }
  void local_name() { ++result_.skipped_local_names; }

  /// Removes duplicates (keeping the first occurrence) and hands over the result.
  ListReadResult take();

 private:
  void remove_duplicates();

  ListReadResult result_;
  std::vector<std::size_t> hashes_;  // hash of each entry's value, same order as the entries
  std::string scratch_;
};

}  // namespace edugate::rules
