#include "rules/load/parse_context.hpp"

#include <fmt/format.h>

namespace edugate::rules::load {

Pos ParseContext::pos(const YAML::Node& node) const {
  if (!node.IsDefined() || node.Mark().is_null()) return {source, 0, 0};
  const YAML::Mark m = node.Mark();
  return {source, static_cast<std::uint32_t>(m.line + 1), static_cast<std::uint32_t>(m.column + 1)};
}

std::optional<std::string> parse_id(ParseContext& ctx, const YAML::Node& node,
                                    std::string_view what) {
  auto s = ctx.reader.string(node, what);
  if (!s) return std::nullopt;
  bool good = !s->empty() && s->size() <= 64;
  for (std::size_t i = 0; good && i < s->size(); ++i) {
    const char c = (*s)[i];
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    good = alnum || (i > 0 && (c == '-' || c == '_'));
  }
  if (!good) {
    ctx.reader.error(node, fmt::format("{} '{}' must be 1 to 64 lowercase letters, digits, '-' or "
                                       "'_', starting with a letter or digit",
                                       what, *s));
    return std::nullopt;
  }
  return s;
}

bool parse_labels(ParseContext& ctx, const YAML::Node& node, std::string& vi, std::string& en) {
  if (!ctx.reader.check_map(node, "labels", {"vi", "en"})) return false;
  bool good = true;
  for (const auto& [key, out] : {std::pair<const char*, std::string*>{"vi", &vi}, {"en", &en}}) {
    const auto n = node[key];
    if (!n) {
      ctx.reader.error(node, fmt::format("labels needs '{}' (Vietnamese and English labels)", key));
      good = false;
      continue;
    }
    auto s = ctx.reader.string(n, fmt::format("labels.{}", key));
    if (s && s->empty()) ctx.reader.error(n, fmt::format("labels.{} must not be empty", key));
    if (!s || s->empty()) {
      good = false;
      continue;
    }
    *out = *s;
  }
  return good;
}

std::optional<std::vector<Entry>> parse_entries(ParseContext& ctx, const YAML::Node& node,
                                                std::string_view what) {
  std::vector<Entry> out;
  if (node.IsScalar()) {
    out.push_back({node.Scalar(), ctx.pos(node)});
    return out;
  }
  if (!node.IsSequence()) {
    ctx.reader.error(node, fmt::format("{} must be a list", what));
    return std::nullopt;
  }
  bool good = true;
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      ctx.reader.error(item, fmt::format("each entry of {} must be a string", what));
      good = false;
      continue;
    }
    out.push_back({item.Scalar(), ctx.pos(item)});
  }
  if (!good) return std::nullopt;
  return out;
}

void parse_rule_file(ParseContext& ctx, const YAML::Node& root, RuleSpec& out) {
  if (root.IsNull()) return;  // an empty file contributes nothing
  const bool school = ctx.layer == Layer::school;
  const bool known =
      school ? ctx.reader.check_map(root, "the school rule file",
                                    {"description", "categories", "schedules", "groups",
                                     "default_group", "exceptions"})
             : ctx.reader.check_map(root, "a department rule file",
                                    {"description", "categories", "schedules", "profiles"});
  if (!known && !root.IsMap()) return;
  if (const auto n = root["description"]) ctx.reader.string(n, "description");
  if (const auto n = root["categories"]) parse_categories(ctx, n, out.categories);
  if (const auto n = root["schedules"]) parse_schedules(ctx, n, out.schedules);
  if (!school) {
    if (const auto n = root["profiles"]) parse_profiles(ctx, n, out.profiles);
    return;
  }
  if (const auto n = root["groups"]) parse_groups(ctx, n, out.groups);
  if (const auto n = root["default_group"]) {
    if (auto g = parse_default_group(ctx, n)) out.default_group = std::move(*g);
  }
  if (const auto n = root["exceptions"]) {
    if (auto e = parse_exceptions(ctx, n)) out.school_exceptions = std::move(*e);
  }
}

}  // namespace edugate::rules::load
