#pragma once

#include <cstddef>
#include <string_view>

#include "rules/request_facts.hpp"

namespace edugate::rules::compiled {

/// Writes the text URL regexes are matched against, "host[:port]/path[?query]" (squidGuard's
/// form: no scheme, port only when not the scheme's default, IPv6 hosts in brackets, "/" as the
/// path of a CONNECT), into `out`. Returns its length, or `capacity + 1` when it does not fit.
/// Never allocates.
std::size_t write_regex_text(const RequestFacts& facts, char* out, std::size_t capacity) noexcept;

}  // namespace edugate::rules::compiled
