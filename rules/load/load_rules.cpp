#include "rules/load_rules.hpp"

#include <fmt/format.h>
#include <malloc.h>

#include <filesystem>

#include "rules/compiled/compiled.hpp"
#include "rules/load/build_state.hpp"
#include "rules/load/hashing_files.hpp"
#include "rules/load/parse_context.hpp"
#include "rules/load/rule_set_builder.hpp"
#include "rules/signing/bundle.hpp"

namespace edugate::rules {

namespace {

using load::FileProvider;

std::string directory_of(const std::string& path) {
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

/// The YAML files of the department: the file itself, or the *.yaml/*.yml of a directory.
std::vector<std::string> department_files(const std::string& path, const FileProvider& files,
                                          Diagnostics& diags) {
  if (!files.is_directory(path)) return {path};
  std::vector<std::string> out;
  for (const auto& name : files.list_directory(path).value_or(std::vector<std::string>{}))
    if (name.ends_with(".yaml") || name.ends_with(".yml")) out.push_back(resolve_path(path, name));
  if (out.empty()) diags.push_back({path, 0, 0, "the department directory holds no .yaml files"});
  return out;
}

enum class FileKind { rules, review };

void parse_file(load::BuildState& state, const FileProvider& files, const std::string& path,
                load::Layer layer, load::RuleSpec& spec, FileKind kind = FileKind::rules) {
  std::string why;
  const auto bytes = files.read(path, why);
  if (!bytes) {
    state.diags.push_back({path, 0, 0, fmt::format("cannot read rule file: {}", why)});
    return;
  }
  YamlReader reader(path, state.diags);
  const auto root = reader.load_text(*bytes);
  if (!root) return;
  load::ParseContext ctx{reader, state.source(path), layer, directory_of(path)};
  try {
    if (kind == FileKind::review)
      load::parse_review_file(ctx, *root, spec.review);
    else
      load::parse_rule_file(ctx, *root, spec);
  } catch (const YAML::Exception& e) {
    reader.error(e.mark, e.msg);
  }
}

/// Verifies the signed department bundle and returns its verified bytes keyed by path.
std::unique_ptr<FileProvider> verified_department(const RulesSettings& s, Diagnostics& diags) {
  std::string why;
  const auto key = load::DiskFiles().read(*s.department_pubkey, why);
  if (!key) {
    diags.push_back({*s.department_pubkey, 0, 0,
                     fmt::format("cannot read department public key: "
                                 "{}",
                                 why)});
    return nullptr;
  }
  auto result = signing::verify_bundle(s.department, *key);
  for (const auto& problem : result.problems)
    diags.push_back({s.department, 0, 0, fmt::format("refused: {}", problem)});
  if (!result.files) return nullptr;
  std::map<std::string, std::string> files;
  for (auto& [rel, bytes] : *result.files)
    files.emplace(resolve_path(s.department, rel), std::move(bytes));
  return std::make_unique<load::MemoryFiles>(
      std::move(files), fmt::format("not part of the signed department bundle {}", s.department));
}

std::unique_ptr<compiled::Compiled> compile(const RulesSettings& s, const FileProvider& department,
                                            const FileProvider& school, Diagnostics& diags) {
  std::string why;
  const auto zone = TimeZone::locate(s.timezone, why);
  if (!zone) diags.push_back({"rules.timezone", 0, 0, why});
  signing::Sha256 digest;
  digest.update(fmt::format("timezone={};regex_memory={}\n", s.timezone, s.regex_memory));
  const load::HashingFiles hashed_department(department, digest);
  const load::HashingFiles hashed_school(school, digest);
  load::BuildState state(diags);
  load::RuleSpec spec;
  for (const auto& f : department_files(s.department, department, diags))
    parse_file(state, hashed_department, f, load::Layer::department, spec);
  if (s.school) parse_file(state, hashed_school, *s.school, load::Layer::school, spec);
  // The review file is optional: there is none until `edugate review` writes one.
  if (s.review && hashed_school.exists(*s.review))
    parse_file(state, hashed_school, *s.review, load::Layer::school, spec, FileKind::review);
  load::apply_review(state, spec);
  if (error_count(diags) > 0 || !zone) return nullptr;
  if (!spec.default_group)
    state.warning({state.source(s.school.value_or(s.department)), 0, 0},
                  "no default_group: clients outside every group get the mam-non profile");
  auto tables =
      load::build_rule_set(state, spec, {hashed_department, hashed_school, s.regex_memory, *zone});
  if (tables) tables->version = load::version_of(digest);
  return tables;
}

LoadResult load_with(const RulesSettings& s, const FileProvider& department,
                     const FileProvider& school, Diagnostics diags) {
  LoadResult result;
  try {
    if (auto tables = compile(s, department, school, diags))
      result.rules = std::make_shared<const RuleSet>(std::move(tables));
  } catch (const std::exception& e) {
    diags.push_back({s.department, 0, 0, fmt::format("cannot load the rules: {}", e.what())});
  }
  result.diagnostics = std::move(diags);
#ifdef __GLIBC__
  // Reading millions of list lines leaves tens of MiB of freed small blocks in the heap; give
  // them back so that the appliance's RSS is the compiled set, not the loading garbage.
  malloc_trim(0);
#endif
  return result;
}

}  // namespace

LoadResult load_rules(const RulesSettings& settings) {
  const load::DiskFiles disk;
  if (settings.department_confined) {
    const load::ConfinedFiles department(settings.department);
    return load_with(settings, department, disk, {});
  }
  if (!settings.department_pubkey) return load_with(settings, disk, disk, {});
  Diagnostics diags;
  const auto verified = verified_department(settings, diags);
  if (!verified) return {nullptr, std::move(diags)};
  return load_with(settings, *verified, disk, std::move(diags));
}

LoadResult load_rules_with_department(const RulesSettings& settings,
                                      const load::FileProvider& department) {
  const load::DiskFiles disk;
  return load_with(settings, department, disk, {});
}

LoadResult load_rules(const RulesSettings& settings, const load::FileProvider& files) {
  if (settings.department_pubkey)
    return {nullptr,
            {{*settings.department_pubkey, 0, 0,
              "department_pubkey needs the rules on disk (load_rules(settings))"}}};
  return load_with(settings, files, files, {});
}

}  // namespace edugate::rules
