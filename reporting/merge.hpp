#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "reporting/key_directory.hpp"
#include "reporting/report.hpp"

namespace edugate::reporting {

/// One school report to merge: where it came from (for messages) and its parsed JSON.
struct MergeInput {
  std::string name;
  nlohmann::json document;
};

struct MergeOptions {
  bool skip_invalid = false;  ///< leave refused reports out instead of failing the merge
  int top_domains = 50;
  std::string generator = "edugate";
};

struct MergeOutcome {
  std::optional<Report> report;      ///< nullopt when a report was refused (and !skip_invalid)
  std::vector<std::string> refused;  ///< "<name>: <why>" for each refused input
};

/// Sums signed school reports into a district/province view. Each input must be a school report
/// signed by the key `keys` holds for its school id; a report whose signature fails, whose
/// school has no trusted key, or that repeats a school for overlapping days is refused, unless
/// it comes from another node of that school (reporting.node_id): several appliances of one
/// school behind a load balancer are added up and the school is listed once, with its nodes
/// (suppressed_schools then counts each node that withheld the cell).
/// Only published numbers are summed: a cell a school suppressed adds nothing and is counted in
/// suppressed_schools. The merge is therefore a function of already-protected values and cannot
/// reveal a suppressed cell; merged values are lower bounds wherever suppressed_schools > 0.
/// Pure, thread-safe.
MergeOutcome merge_reports(const std::vector<MergeInput>& inputs, const KeyDirectory& keys,
                           const MergeOptions& options);

}  // namespace edugate::reporting
