#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "rules/settings.hpp"

namespace edugate::rules::bench {

/// A rule set over the real public lists in ../shared/data (read in place, never copied):
/// every UT1 category directory, blocklistproject, shadowwhisperer, sinfonietta and hostsVN
/// domain lists, plus generated URL regexes. The YAML files and an appliance config pointing at
/// them are written into `out_dir` (in the build tree).
struct Corpus {
  RulesSettings settings;
  std::string config;  ///< appliance config for `edugate check`
  std::size_t list_files = 0;
  std::size_t generated_regexes = 0;
};

/// Writes the corpus files. `regexes` generated URL regexes are spread over four categories.
Corpus write_corpus(const std::string& data_dir, const std::string& out_dir, std::size_t regexes);

/// Deterministic, RE2-compatible URL regexes in the style of squidGuard `expressions` (host
/// patterns, path patterns, query patterns), made from pseudo-words. Pure.
std::vector<std::string> generate_regexes(std::size_t count);

/// Lines of a text file.
std::vector<std::string> read_lines(const std::string& path);

/// Resident set size of this process in KiB (VmRSS from /proc/self/status).
long rss_kib();

}  // namespace edugate::rules::bench
