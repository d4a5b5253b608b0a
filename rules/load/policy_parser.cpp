#include <fmt/format.h>

#include "rules/load/parse_context.hpp"

namespace edugate::rules::load {

namespace {

std::optional<Action> parse_action(ParseContext& ctx, const YAML::Node& node) {
  const auto s = ctx.reader.string(node, "action");
  if (!s) return std::nullopt;
  if (*s == "block") return Action::block;
  if (*s == "warn") return Action::warn;
  if (*s == "allow") return Action::allow;
  if (*s == "monitor") return Action::would_block;
  ctx.reader.error(node, fmt::format("action '{}' is not one of: block, warn, monitor, allow", *s));
  return std::nullopt;
}

std::optional<PolicyLine> parse_scheduled(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a scheduled entry",
                            {"category", "action", "during", "outside"}) &&
      !node.IsMap())
    return std::nullopt;
  const auto category = node["category"];
  const auto action = node["action"];
  const auto during = node["during"];
  const auto outside = node["outside"];
  if (!category || !action || (!during == !outside)) {
    ctx.reader.error(node,
                     "a scheduled entry needs category, action and exactly one of during: "
                     "SCHEDULE or outside: SCHEDULE");
    return std::nullopt;
  }
  PolicyLine line;
  line.pos = ctx.pos(node);
  const auto c = ctx.reader.string(category, "category");
  const auto a = parse_action(ctx, action);
  const auto s = ctx.reader.string(during ? during : outside, during ? "during" : "outside");
  if (!c || !a || !s) return std::nullopt;
  line.category = *c;
  line.action = *a;
  line.schedule = *s;
  line.outside = !during;
  line.pos = ctx.pos(category);
  return line;
}

std::optional<SafeSearchPolicy> parse_safe_search(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "safe_search", {"enabled", "youtube"})) return std::nullopt;
  SafeSearchPolicy p;
  if (const auto n = node["enabled"]) {
    const auto v = ctx.reader.boolean(n, "safe_search.enabled");
    if (!v) return std::nullopt;
    p.enabled = *v;
  }
  if (const auto n = node["youtube"]) {
    const auto s = ctx.reader.string(n, "safe_search.youtube");
    if (!s) return std::nullopt;
    if (*s == "strict") {
      p.youtube = YoutubeMode::strict;
    } else if (*s == "moderate") {
      p.youtube = YoutubeMode::moderate;
    } else {
      ctx.reader.error(n, fmt::format("youtube '{}' is not one of: strict, moderate", *s));
      return std::nullopt;
    }
  }
  return p;
}

/// `inspect: none | blocked-only | all`.
bool parse_inspect(ParseContext& ctx, const YAML::Node& node, PolicySpec& p) {
  const auto s = ctx.reader.string(node, "inspect");
  if (!s) return false;
  p.inspect = parse_inspect_mode(*s);
  if (!p.inspect)
    ctx.reader.error(node, fmt::format("inspect '{}' is not one of: none, blocked-only, all", *s));
  return p.inspect.has_value();
}

/// `inspect_exempt: {categories: [...], domains: [...]}`: never decrypted.
bool parse_inspect_exempt(ParseContext& ctx, const YAML::Node& node, PolicySpec& p) {
  if (!ctx.reader.check_map(node, "inspect_exempt", {"categories", "domains"})) return false;
  bool good = true;
  if (const auto n = node["categories"]) {
    auto entries = parse_entries(ctx, n, "inspect_exempt categories");
    good = entries.has_value() && good;
    if (entries) p.inspect_exempt_categories = std::move(*entries);
  }
  if (const auto n = node["domains"]) {
    auto entries = parse_entries(ctx, n, "inspect_exempt domains");
    good = entries.has_value() && good;
    if (entries) p.inspect_exempt_domains = std::move(*entries);
  }
  return good;
}

}  // namespace

std::optional<PolicySpec> parse_policy(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a policy",
                            {"block", "warn", "monitor", "allow", "scheduled", "safe_search",
                             "inspect", "inspect_exempt"}) &&
      !node.IsMap())
    return std::nullopt;
  PolicySpec p;
  const std::pair<const char*, Action> lists[] = {{"block", Action::block},
                                                  {"warn", Action::warn},
                                                  {"monitor", Action::would_block},
                                                  {"allow", Action::allow}};
  for (const auto& [key, action] : lists) {
    const auto n = node[key];
    if (!n) continue;
    const auto entries = parse_entries(ctx, n, key);
    if (!entries) continue;
    for (const auto& e : *entries) p.lines.push_back({e.text, action, e.pos, std::nullopt, false});
  }
  if (const auto n = node["scheduled"]) {
    if (!n.IsSequence()) {
      ctx.reader.error(n, "scheduled must be a list of {category, action, during|outside}");
    } else {
      for (const auto& item : n)
        if (auto line = parse_scheduled(ctx, item)) p.lines.push_back(std::move(*line));
    }
  }
  if (const auto n = node["safe_search"]) {
    p.safe_search = parse_safe_search(ctx, n);
    p.safe_search_pos = ctx.pos(n);
  }
  if (const auto n = node["inspect"]) parse_inspect(ctx, n, p);
  if (const auto n = node["inspect_exempt"]) parse_inspect_exempt(ctx, n, p);
  return p;
}

void parse_profiles(ParseContext& ctx, const YAML::Node& node, std::vector<ProfileSpec>& out) {
  if (!node.IsMap()) {
    ctx.reader.error(node,
                     "profiles must map age bands (mam-non, tieu-hoc, thcs, thpt, staff) to "
                     "policies");
    return;
  }
  for (const auto& kv : node) {
    const auto band = kv.first.IsScalar() ? parse_age_band(kv.first.Scalar()) : std::nullopt;
    if (!band) {
      ctx.reader.error(kv.first,
                       "profiles keys must be age bands: mam-non, tieu-hoc, thcs, thpt, "
                       "staff");
      continue;
    }
    auto policy = parse_policy(ctx, kv.second);
    if (!policy) continue;
    out.push_back({*band, std::move(*policy), ctx.pos(kv.first)});
  }
}

}  // namespace edugate::rules::load
