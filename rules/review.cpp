#include "rules/review.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "rules/load/file_provider.hpp"
#include "rules/load/parse_context.hpp"

namespace edugate::rules {

std::string_view to_string(ReviewDecision::Kind kind) noexcept {
  switch (kind) {
    case ReviewDecision::Kind::block:
      return "block";
    case ReviewDecision::Kind::allow:
      return "allow";
    case ReviewDecision::Kind::dismiss:
      return "dismiss";
  }
  return "?";
}

const ReviewDecision* ReviewFile::find(std::string_view domain) const noexcept {
  const auto it = std::find_if(decisions.begin(), decisions.end(),
                               [&](const ReviewDecision& d) { return d.domain == domain; });
  return it == decisions.end() ? nullptr : &*it;
}

void ReviewFile::put(ReviewDecision decision) {
  std::erase_if(decisions, [&](const ReviewDecision& d) { return d.domain == decision.domain; });
  decisions.push_back(std::move(decision));
}

std::optional<ReviewFile> read_review_file(const std::string& path, Diagnostics& diags) {
  const load::DiskFiles disk;
  if (!disk.exists(path)) return ReviewFile{};
  std::string why;
  const auto bytes = disk.read(path, why);
  if (!bytes) {
    diags.push_back({path, 0, 0, fmt::format("cannot read the review file: {}", why)});
    return std::nullopt;
  }
  const auto errors_before = error_count(diags);
  YamlReader reader(path, diags);
  const auto root = reader.load_text(*bytes);
  if (!root) return std::nullopt;
  load::ParseContext ctx{reader, 0, load::Layer::school,
                         std::filesystem::path(path).parent_path().string()};
  std::vector<load::ReviewLine> lines;
  try {
    load::parse_review_file(ctx, *root, lines);
  } catch (const YAML::Exception& e) {
    reader.error(e.mark, e.msg);
  }
  if (error_count(diags) > errors_before) return std::nullopt;
  ReviewFile out;
  for (auto& l : lines)
    out.decisions.push_back({l.kind, std::move(l.domain.text), std::move(l.category.text),
                             std::move(l.group.text), std::move(l.on)});
  return out;
}

std::string format_review_file(const ReviewFile& file) {
  std::string out =
      "# Quyết định của nhà trường về các trang học sinh báo cáo — the school's decisions on the\n"
      "# sites pupils reported. Written by `edugate review block|allow|dismiss` (see `edugate\n"
      "# review list`); loaded with the school rules. `block` adds the domain to the category,\n"
      "# `allow` makes it a school exception (never over a mandatory category), `dismiss` only\n"
      "# takes it off the review list.\n";
  for (const auto kind :
       {ReviewDecision::Kind::block, ReviewDecision::Kind::allow, ReviewDecision::Kind::dismiss}) {
    std::vector<const ReviewDecision*> of_kind;
    for (const auto& d : file.decisions)
      if (d.kind == kind) of_kind.push_back(&d);
    if (of_kind.empty()) continue;
    std::sort(of_kind.begin(), of_kind.end(),
              [](const auto* a, const auto* b) { return a->domain < b->domain; });
    out += fmt::format("{}:\n", to_string(kind));
    for (const auto* d : of_kind) {
      // Quoted: a domain such as "null" or "yes" must read back as the same string.
      out += fmt::format("  - {{domain: \"{}\"", d->domain);
      if (!d->category.empty()) out += fmt::format(", category: \"{}\"", d->category);
      if (!d->group.empty()) out += fmt::format(", group: \"{}\"", d->group);
      if (!d->on.empty()) out += fmt::format(", on: \"{}\"", d->on);
      out += "}\n";
    }
  }
  return out;
}

}  // namespace edugate::rules
