#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/load/spec.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::rules::load {

/// What the YAML parsers of one rule file share: the strict reader (diagnostics go there), the
/// file's index in the source table, its layer and its directory (list paths resolve there).
struct ParseContext {
  YamlReader& reader;
  std::uint16_t source = 0;
  Layer layer = Layer::department;
  std::string directory;

  Pos pos(const YAML::Node& node) const;
};

/// An identifier: 1..64 of [a-z0-9_-], starting with a letter or digit. Reports otherwise.
std::optional<std::string> parse_id(ParseContext& ctx, const YAML::Node& node,
                                    std::string_view what);

/// `labels: {vi: ..., en: ...}`, both required and non-empty.
bool parse_labels(ParseContext& ctx, const YAML::Node& node, std::string& vi, std::string& en);

/// A list of strings (a single string is a one-element list), each with its position.
std::optional<std::vector<Entry>> parse_entries(ParseContext& ctx, const YAML::Node& node,
                                                std::string_view what);

/// Top level of a department file (`categories`, `schedules`, `profiles`) or of the school file
/// (`categories`, `schedules`, `groups`, `default_group`, `exceptions`); both may hold a
/// `description`. Appends what it reads to `out`; problems go to ctx.reader.
void parse_rule_file(ParseContext& ctx, const YAML::Node& root, RuleSpec& out);

void parse_categories(ParseContext& ctx, const YAML::Node& node, std::vector<CategorySpec>& out);
void parse_schedules(ParseContext& ctx, const YAML::Node& node, std::vector<ScheduleSpec>& out);
void parse_profiles(ParseContext& ctx, const YAML::Node& node, std::vector<ProfileSpec>& out);
std::optional<PolicySpec> parse_policy(ParseContext& ctx, const YAML::Node& node);
void parse_groups(ParseContext& ctx, const YAML::Node& node, std::vector<GroupSpec>& out);
std::optional<GroupSpec> parse_default_group(ParseContext& ctx, const YAML::Node& node);
std::optional<ExceptionsSpec> parse_exceptions(ParseContext& ctx, const YAML::Node& node);

/// The school's review file (`block`, `allow`, `dismiss`; see rules/review.hpp): appends its
/// lines to `out`. A domain may have one decision only.
void parse_review_file(ParseContext& ctx, const YAML::Node& root, std::vector<ReviewLine>& out);

}  // namespace edugate::rules::load
