#include <fmt/format.h>

#include <algorithm>

#include "rules/lists/list_reader.hpp"
#include "rules/load/build_state.hpp"
#include "rules/load/parse_context.hpp"

namespace edugate::rules::load {

namespace {

using Kind = ReviewDecision::Kind;

bool is_day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return false;
  const int month = (s[5] - '0') * 10 + (s[6] - '0'), day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/// A domain as the lists read it (lowercase, punycode, no leading "*."); nullopt, reported,
/// when it is not one domain.
std::optional<Entry> domain_entry(ParseContext& ctx, const YAML::Node& node) {
  const auto text = ctx.reader.string(node, "domain");
  if (!text) return std::nullopt;
  ListReadResult r = read_list(ListFormat::domains, *text);
  if (!r.problems.empty() || r.entries.size() != 1) {
    ctx.reader.error(node, fmt::format("{} is not a domain", quote_token(*text)));
    return std::nullopt;
  }
  return Entry{std::move(r.entries.front().value), ctx.pos(node)};
}

std::optional<Entry> id_entry(ParseContext& ctx, const YAML::Node& node, std::string_view what) {
  const auto id = parse_id(ctx, node, what);
  if (!id) return std::nullopt;
  return Entry{*id, ctx.pos(node)};
}

std::optional<ReviewLine> parse_line(ParseContext& ctx, const YAML::Node& node, Kind kind) {
  const char* what = kind == Kind::block   ? "a review block"
                     : kind == Kind::allow ? "a review allow"
                                           : "a review dismiss";
  const bool shape =
      kind == Kind::block   ? ctx.reader.check_map(node, what, {"domain", "category", "on"})
      : kind == Kind::allow ? ctx.reader.check_map(node, what, {"domain", "group", "on"})
                            : ctx.reader.check_map(node, what, {"domain", "on"});
  if (!shape && !node.IsMap()) return std::nullopt;
  ReviewLine line;
  line.kind = kind;
  bool good = shape;
  if (const auto n = node["domain"]) {
    auto d = domain_entry(ctx, n);
    good = d.has_value() && good;
    if (d) line.domain = std::move(*d);
  } else {
    ctx.reader.error(node, fmt::format("{} needs a domain", what));
    good = false;
  }
  if (kind == Kind::block) {
    if (const auto n = node["category"]) {
      auto c = id_entry(ctx, n, "category");
      good = c.has_value() && good;
      if (c) line.category = std::move(*c);
    } else {
      ctx.reader.error(node, "a review block needs the category the domain joins");
      good = false;
    }
  }
  if (const auto n = node["group"]) {
    auto g = id_entry(ctx, n, "group");
    good = g.has_value() && good;
    if (g) line.group = std::move(*g);
  }
  if (const auto n = node["on"]) {
    const auto on = ctx.reader.string(n, "on");
    if (on && is_day(*on)) {
      line.on = *on;
    } else {
      if (on)
        ctx.reader.error(n, fmt::format("on: {} is not a day (YYYY-MM-DD)", quote_token(*on)));
      good = false;
    }
  }
  if (!good) return std::nullopt;
  return line;
}

}  // namespace

void parse_review_file(ParseContext& ctx, const YAML::Node& root, std::vector<ReviewLine>& out) {
  if (root.IsNull()) return;  // an empty file: no decisions yet
  if (!ctx.reader.check_map(root, "the review file",
                            {"description", "block", "allow", "dismiss"}) &&
      !root.IsMap())
    return;
  const std::pair<const char*, Kind> sections[] = {
      {"block", Kind::block}, {"allow", Kind::allow}, {"dismiss", Kind::dismiss}};
  for (const auto& [key, kind] : sections) {
    const auto list = root[key];
    if (!list || list.IsNull()) continue;
    if (!list.IsSequence()) {
      ctx.reader.error(list, fmt::format("{} must be a list of {{domain: ...}} entries", key));
      continue;
    }
    for (const auto& item : list) {
      auto line = parse_line(ctx, item, kind);
      if (!line) continue;
      const auto same = std::find_if(out.begin(), out.end(), [&](const ReviewLine& other) {
        return other.domain.text == line->domain.text;
      });
      if (same != out.end()) {
        ctx.reader.error(
            item, fmt::format("domain '{}' already has a decision ({}) at line {}",
                              line->domain.text, to_string(same->kind), same->domain.pos.line));
        continue;
      }
      out.push_back(std::move(*line));
    }
  }
}

}  // namespace edugate::rules::load

namespace edugate::rules::load {

void apply_review(BuildState& state, RuleSpec& spec) {
  for (const ReviewLine& line : spec.review) {
    switch (line.kind) {
      case ReviewDecision::Kind::block: {
        const auto c =
            std::find_if(spec.categories.begin(), spec.categories.end(),
                         [&](const CategorySpec& cs) { return cs.id == line.category.text; });
        // A warning, not an error: the department may rename or drop a category in a later
        // bundle, and that must not stop the school's rules from loading.
        if (c == spec.categories.end())
          state.warning(
              line.category.pos,
              fmt::format("unknown category '{}': this block is not applied", line.category.text));
        else
          c->domains.push_back(line.domain);
        break;
      }
      case ReviewDecision::Kind::allow: {
        if (line.group.text.empty()) {
          spec.school_exceptions.domains.push_back(line.domain);
          break;
        }
        GroupSpec* g = nullptr;
        for (auto& candidate : spec.groups)
          if (candidate.id == line.group.text) g = &candidate;
        if (!g && spec.default_group && line.group.text == "default") g = &*spec.default_group;
        if (!g)
          state.warning(line.group.pos, fmt::format("unknown group '{}': this allow is not applied",
                                                    line.group.text));
        else
          g->exceptions.domains.push_back(line.domain);
        break;
      }
      case ReviewDecision::Kind::dismiss:
        break;  // only the review list reads it
    }
  }
}

}  // namespace edugate::rules::load
