#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rules/diagnostic.hpp"

namespace edugate::rules::tools {

/// What `edugate import` is asked to convert.
struct ImportRequest {
  std::string format;  ///< domains, hosts, adguard, dnsmasq, urls, expressions, or squidguard
  std::vector<std::string> paths;  ///< list files, or squidGuard category directories
  std::string category;            ///< id of the category to write
  std::string label_vi;            ///< defaults to the id
  std::string label_en;            ///< defaults to the id
  bool mandatory = false;
};

struct ImportResult {
  std::string yaml;  ///< a department rule file with one category; empty on errors
  std::size_t domains = 0;
  std::size_t url_prefixes = 0;
  std::size_t regexes = 0;
  Diagnostics diagnostics;  ///< unreadable inputs (errors), junk lines (warnings)
};

/// Reads the lists with the same readers load_rules() uses, removes duplicates across files and
/// writes one category with inline `domains`, `urls` and `regexes` in the rule-set format.
/// Reads files; not for the hot path.
ImportResult import_category(const ImportRequest& request);

}  // namespace edugate::rules::tools
