#include <fmt/format.h>

#include "rules/load/parse_context.hpp"

namespace edugate::rules::load {

namespace {

std::optional<AgeBand> parse_age(ParseContext& ctx, const YAML::Node& node) {
  const auto s = ctx.reader.string(node, "age");
  if (!s) return std::nullopt;
  const auto band = parse_age_band(*s);
  if (!band)
    ctx.reader.error(node, fmt::format("age '{}' is not one of: mam-non, tieu-hoc, thcs, thpt, "
                                       "staff",
                                       *s));
  return band;
}

void add_network(ParseContext& ctx, const YAML::Node& item, GroupSpec& g) {
  const auto text = ctx.reader.string(item, "a network");
  if (!text) return;
  std::string why;
  const auto cidr = Cidr::parse(*text, &why);
  if (!cidr) {
    ctx.reader.error(item, fmt::format("'{}' is not a network: {}", *text, why));
  } else if (cidr->single_address()) {
    ctx.reader.error(item, fmt::format("'{}' is a single address: a group must not identify one "
                                       "device (use the whole VLAN or subnet)",
                                       *text));
  } else {
    g.networks.emplace_back(*cidr, ctx.pos(item));
  }
}

void parse_networks(ParseContext& ctx, const YAML::Node& node, GroupSpec& g) {
  if (node.IsScalar()) return add_network(ctx, node, g);
  if (!node.IsSequence() || node.size() == 0) {
    ctx.reader.error(node, "networks must be a non-empty list of CIDR networks");
    return;
  }
  for (const auto& item : node) add_network(ctx, item, g);
}

/// The keys every group shares: labels, age, policy, exceptions.
bool parse_group_body(ParseContext& ctx, const YAML::Node& node, GroupSpec& g) {
  bool good = true;
  if (const auto n = node["labels"]) good = parse_labels(ctx, n, g.label_vi, g.label_en) && good;
  if (const auto n = node["age"]) {
    const auto band = parse_age(ctx, n);
    good = band.has_value() && good;
    if (band) g.age = *band;
  } else {
    ctx.reader.error(node,
                     "a group needs an age band (age: mam-non, tieu-hoc, thcs, thpt or "
                     "staff)");
    good = false;
  }
  if (const auto n = node["policy"]) {
    auto policy = parse_policy(ctx, n);
    good = policy.has_value() && good;
    if (policy) g.policy = std::move(*policy);
  }
  if (const auto n = node["exceptions"]) {
    auto exceptions = parse_exceptions(ctx, n);
    good = exceptions.has_value() && good;
    if (exceptions) g.exceptions = std::move(*exceptions);
  }
  return good;
}

std::optional<GroupSpec> parse_group(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "a group",
                            {"id", "labels", "age", "networks", "policy", "exceptions"}) &&
      !node.IsMap())
    return std::nullopt;
  const auto id = node["id"];
  const auto networks = node["networks"];
  if (!id || !networks || !node["labels"]) {
    ctx.reader.error(node, "a group needs id, labels, age and networks");
    return std::nullopt;
  }
  GroupSpec g;
  const auto parsed = parse_id(ctx, id, "group id");
  if (!parsed) return std::nullopt;
  g.id = *parsed;
  g.pos = ctx.pos(id);
  if (g.id == "default") {
    ctx.reader.error(id, "'default' is reserved: declare it with default_group:");
    return std::nullopt;
  }
  parse_networks(ctx, networks, g);
  if (!parse_group_body(ctx, node, g)) return std::nullopt;
  return g;
}

}  // namespace

void parse_groups(ParseContext& ctx, const YAML::Node& node, std::vector<GroupSpec>& out) {
  if (!node.IsSequence()) {
    ctx.reader.error(node, "groups must be a list");
    return;
  }
  for (const auto& item : node)
    if (auto g = parse_group(ctx, item)) out.push_back(std::move(*g));
}

std::optional<GroupSpec> parse_default_group(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "default_group", {"labels", "age", "policy", "exceptions"}) &&
      !node.IsMap())
    return std::nullopt;
  GroupSpec g;
  g.id = "default";
  g.label_vi = "Mặc định";
  g.label_en = "Default";
  g.pos = ctx.pos(node);
  if (!parse_group_body(ctx, node, g)) return std::nullopt;
  return g;
}

std::optional<ExceptionsSpec> parse_exceptions(ParseContext& ctx, const YAML::Node& node) {
  if (!ctx.reader.check_map(node, "exceptions", {"domains", "urls"})) return std::nullopt;
  ExceptionsSpec e;
  if (const auto n = node["domains"]) {
    if (auto d = parse_entries(ctx, n, "exception domains")) e.domains = std::move(*d);
  }
  if (const auto n = node["urls"]) {
    if (auto u = parse_entries(ctx, n, "exception urls")) e.urls = std::move(*u);
  }
  return e;
}

}  // namespace edugate::rules::load
