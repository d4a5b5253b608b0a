#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/lists/list_format.hpp"

namespace edugate::rules {

/// One accepted list entry. `value` is normalised: a normalize_host() name or IP literal for the
/// domain formats; "host[:port]/path[?query]" for squidGuard urls (scheme dropped, leading "www."
/// dropped, port only when not 80); the line verbatim for squidGuard expressions.
struct ListEntry {
  std::string value;
  std::uint32_t line = 0;  ///< 1-based line of the first occurrence
};

/// A line that could not be read. 1-based; the column is a byte offset (after a UTF-8 BOM).
struct ListProblem {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;
};

struct ListReadResult {
  std::vector<ListEntry> entries;       ///< unique values, in order of first appearance
  std::vector<ListProblem> problems;    ///< malformed lines; reading always goes on
  std::size_t skipped_comments = 0;     ///< comment and header lines
  std::size_t duplicates = 0;           ///< entries equal (after normalisation) to an earlier one
  std::size_t skipped_unsupported = 0;  ///< valid rules that are not block entries: AdGuard
                                        ///< "@@" exceptions, cosmetic "##" rules, URL/regex
                                        ///< rules; other dnsmasq directives
  std::size_t skipped_local_names = 0;  ///< hosts-file names such as localhost, broadcasthost
};

/// Reads a list held in memory. Accepts LF or CRLF line ends and a leading UTF-8 BOM; Unicode
/// names become punycode. A malformed line becomes a ListProblem and reading goes on; nothing
/// throws except std::bad_alloc. Pure, thread-safe.
ListReadResult read_list(ListFormat format, std::string_view text);

/// Largest list file read_list_file() accepts.
inline constexpr std::size_t kMaxListFileBytes = std::size_t{512} << 20;

/// Reads the whole file at `path` in one go, then read_list(). Returns nullopt and sets `*error`
/// (when `error` is not null) if the file cannot be opened or read, is not a regular file, or is
/// larger than kMaxListFileBytes.
std::optional<ListReadResult> read_list_file(ListFormat format, const std::string& path,
                                             std::string* error);

}  // namespace edugate::rules
