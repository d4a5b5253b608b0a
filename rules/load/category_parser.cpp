#include <fmt/format.h>

#include "rules/load/parse_context.hpp"
#include "rules/settings.hpp"

namespace edugate::rules::load {

namespace {

std::optional<ListRef> parse_list_ref(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a list reference", {"format", "file", "squidguard"}))
    return std::nullopt;
  ListRef ref;
  ref.pos = ctx.pos(node);
  if (const auto dir = node["squidguard"]) {
    if (node["file"] || node["format"]) {
      ctx.reader.error(node, "a list reference has either squidguard: DIR or file: + format:");
      return std::nullopt;
    }
    auto s = ctx.reader.string(dir, "squidguard");
    if (!s) return std::nullopt;
    ref.squidguard_directory = true;
    ref.path = resolve_path(ctx.directory, *s);
    ref.pos = ctx.pos(dir);
    return ref;
  }
  const auto file = node["file"];
  const auto format = node["format"];
  if (!file || !format) {
    ctx.reader.error(node,
                     "a list reference needs file: and format: (domains, hosts, adguard, "
                     "dnsmasq, urls, expressions), or squidguard: DIR");
    return std::nullopt;
  }
  auto f = ctx.reader.string(format, "format");
  auto p = ctx.reader.string(file, "file");
  if (!f || !p) return std::nullopt;
  const auto parsed = parse_list_format(*f);
  if (!parsed) {
    ctx.reader.error(format, fmt::format("unknown list format '{}' (domains, hosts, adguard, "
                                         "dnsmasq, urls, expressions)",
                                         *f));
    return std::nullopt;
  }
  ref.format = *parsed;
  ref.path = resolve_path(ctx.directory, *p);
  ref.pos = ctx.pos(file);
  return ref;
}

void parse_lists(ParseContext& ctx, const YAML::Node& node, CategorySpec& c) {
  if (!node.IsSequence()) {
    ctx.reader.error(node, "lists must be a list of {file:, format:} or {squidguard:} entries");
    return;
  }
  for (const auto& item : node)
    if (auto ref = parse_list_ref(ctx, item)) c.lists.push_back(std::move(*ref));
}

void parse_entry_lists(ParseContext& ctx, const YAML::Node& node, CategorySpec& c) {
  const std::pair<const char*, std::vector<Entry>*> kinds[] = {{"domains", &c.domains},
                                                               {"urls", &c.urls},
                                                               {"regexes", &c.regexes},
                                                               {"keywords", &c.keywords}};
  for (const auto& [key, out] : kinds) {
    if (const auto n = node[key]) {
      if (auto entries = parse_entries(ctx, n, key)) *out = std::move(*entries);
    }
  }
  if (const auto n = node["lists"]) parse_lists(ctx, n, c);
}

std::optional<CategorySpec> parse_category(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a category",
                            {"id", "labels", "mandatory", "description", "domains", "urls",
                             "regexes", "keywords", "lists"}) &&
      !node.IsMap())
    return std::nullopt;
  CategorySpec c;
  c.layer = ctx.layer;
  c.pos = ctx.pos(node);
  const auto id = node["id"];
  const auto labels = node["labels"];
  if (!id || !labels) {
    ctx.reader.error(node, "a category needs an id and labels: {vi: ..., en: ...}");
    return std::nullopt;
  }
  auto parsed_id = parse_id(ctx, id, "category id");
  const bool labelled = parse_labels(ctx, labels, c.label_vi, c.label_en);
  if (!parsed_id || !labelled) return std::nullopt;
  c.id = *parsed_id;
  c.pos = ctx.pos(id);
  if (const auto n = node["mandatory"]) {
    if (auto v = ctx.reader.boolean(n, "mandatory")) c.mandatory = *v;
    if (c.mandatory && ctx.layer == Layer::school)
      ctx.reader.error(n, fmt::format("category '{}': only the department can make a category "
                                      "mandatory",
                                      c.id));
  }
  if (const auto n = node["description"]) ctx.reader.string(n, "description");
  parse_entry_lists(ctx, node, c);
  return c;
}

}  // namespace

void parse_categories(ParseContext& ctx, const YAML::Node& node, std::vector<CategorySpec>& out) {
  if (!node.IsSequence()) {
    ctx.reader.error(node, "categories must be a list");
    return;
  }
  for (const auto& item : node)
    if (auto c = parse_category(ctx, item)) out.push_back(std::move(*c));
}

}  // namespace edugate::rules::load
