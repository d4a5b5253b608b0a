#pragma once

#include <optional>
#include <string>

#include "rules/lists/list_reader.hpp"

namespace edugate::rules {

/// The lists of one squidGuard/UT1 category directory; a member is empty when its file is absent.
struct CategoryDirectory {
  std::optional<ListReadResult> domains, urls, expressions;
};

/// Reads DIR/domains, DIR/urls and DIR/expressions, each when present (symbolic links followed,
/// as UT1 uses them for category aliases). Returns nullopt and sets `*error` when `dir` is not a
/// directory, when a present file cannot be read, or when none of the three files exists.
std::optional<CategoryDirectory> read_squidguard_directory(const std::string& dir,
                                                           std::string* error);

}  // namespace edugate::rules
