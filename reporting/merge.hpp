#pragma once

#include <memory>
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

/// merge_reports one report at a time, for inputs too many to hold at once (a school year of a
/// province): memory holds the sum, not the inputs, and the costly check (verify) may run on
/// several threads while one thread adds in order. merge_reports is this, in a loop.
class ReportMerger {
 public:
  explicit ReportMerger(MergeOptions options);
  ~ReportMerger();
  ReportMerger(const ReportMerger&) = delete;
  ReportMerger& operator=(const ReportMerger&) = delete;

  /// The check of one input alone: a school report, signed by the key `keys` holds for its
  /// school. Fills `report` and returns nullopt, or returns why not. Pure, thread-safe.
  static std::optional<std::string> verify(const MergeInput& in, const KeyDirectory& keys,
                                           Report& report);
  /// Why a verified report cannot be added (its school's days are already merged, from the
  /// same node or without node ids), or nullopt.
  std::optional<std::string> conflict(const Report& report) const;
  /// Adds a verified report, or records it as refused under `name` (conflict); true if added.
  bool add(const std::string& name, Report report);
  /// Records an input refused before it could be added ("<name>: <why>").
  void refuse(const std::string& name, const std::string& why);
  /// The merged report, as merge_reports returns it. The merger is spent.
  MergeOutcome finish();

 private:
  struct Accumulator;
  MergeOptions options_;
  std::unique_ptr<Accumulator> acc_;
  std::vector<std::string> refused_;
};

}  // namespace edugate::reporting
