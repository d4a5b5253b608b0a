#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "rules/cidr.hpp"
#include "rules/decision.hpp"
#include "rules/lists/list_format.hpp"
#include "rules/policy_types.hpp"
#include "rules/review.hpp"

namespace edugate::rules::load {

/// Source position: index into the loader's file table, 1-based line and column.
struct Pos {
  std::uint16_t source = 0;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// Which file a definition came from; the school may not weaken the department's rules.
enum class Layer : std::uint8_t { department, school };

/// One inline entry of a list in YAML (a domain, URL prefix, regex or keyword).
struct Entry {
  std::string text;
  Pos pos;
};

/// A list file (or a squidGuard category directory) named by a category.
struct ListRef {
  bool squidguard_directory = false;
  ListFormat format = ListFormat::domains;  ///< when not a directory
  std::string path;                         ///< resolved
  Pos pos;
};

struct CategorySpec {
  std::string id;
  std::string label_vi;
  std::string label_en;
  bool mandatory = false;
  Layer layer = Layer::department;
  Pos pos;
  std::vector<Entry> domains, urls, regexes, keywords;
  std::vector<ListRef> lists;
};

/// [from, to) minutes on the weekdays in `days` (bit 0 = Monday).
struct WindowSpec {
  std::uint8_t days = 0;
  std::uint16_t from = 0;
  std::uint16_t to = 0;
  Pos pos;
};

struct ScheduleSpec {
  std::string id;
  std::vector<WindowSpec> windows;
  Pos pos;
};

/// One policy statement about one category: `block: [x]`, or a scheduled entry.
struct PolicyLine {
  std::string category;
  Action action = Action::block;
  Pos pos;
  std::optional<std::string> schedule;  ///< set for scheduled entries
  bool outside = false;                 ///< scheduled: applies outside the windows
};

struct PolicySpec {
  std::vector<PolicyLine> lines;
  std::optional<SafeSearchPolicy> safe_search;
  Pos safe_search_pos;
  std::optional<InspectMode> inspect;            ///< `inspect:`; unset = inherit
  std::vector<Entry> inspect_exempt_categories;  ///< `inspect_exempt: {categories: [...]}`
  std::vector<Entry> inspect_exempt_domains;     ///< `inspect_exempt: {domains: [...]}`
};

struct ExceptionsSpec {
  std::vector<Entry> domains;
  std::vector<Entry> urls;
};

struct GroupSpec {
  std::string id;
  std::string label_vi;
  std::string label_en;
  AgeBand age = AgeBand::mam_non;
  std::vector<std::pair<Cidr, Pos>> networks;
  PolicySpec policy;
  ExceptionsSpec exceptions;
  Pos pos;
};

/// A department policy for every group of one age band.
struct ProfileSpec {
  AgeBand age = AgeBand::mam_non;
  PolicySpec policy;
  Pos pos;
};

/// One line of the school's review file (rules/review.hpp), with positions for diagnostics.
struct ReviewLine {
  ReviewDecision::Kind kind = ReviewDecision::Kind::dismiss;
  Entry domain;    ///< normalised
  Entry category;  ///< block
  Entry group;     ///< allow; empty text: every group
  std::string on;
};

/// Everything read from the department files and the school file, before compilation.
struct RuleSpec {
  std::vector<CategorySpec> categories;
  std::vector<ScheduleSpec> schedules;
  std::vector<ProfileSpec> profiles;
  std::vector<GroupSpec> groups;
  std::optional<GroupSpec> default_group;
  ExceptionsSpec school_exceptions;
  std::vector<ReviewLine> review;  ///< applied by apply_review() once every file is read
};

}  // namespace edugate::rules::load
