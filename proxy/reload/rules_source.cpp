#include "proxy/reload/rules_source.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "rules/load/file_provider.hpp"
#include "rules/load_rules.hpp"
#include "rules/settings.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::proxy::server {

namespace fs = std::filesystem;

namespace {

/// Reads the disk and remembers every file read and directory listed: exactly what a change
/// of should trigger a reload (not the SQLite store or a clock file that share a directory).
class RecordingFiles final : public rules::load::FileProvider {
 public:
  std::optional<std::string> read(const std::string& path, std::string& error) const override {
    seen_.push_back(path);
    return disk_.read(path, error);
  }
  std::optional<std::vector<std::string>> list_directory(const std::string& path) const override {
    seen_.push_back(path);
    return disk_.list_directory(path);
  }
  bool is_directory(const std::string& path) const override { return disk_.is_directory(path); }
  bool exists(const std::string& path) const override { return disk_.exists(path); }
  const std::vector<std::string>& seen() const { return seen_; }

 private:
  rules::load::DiskFiles disk_;
  mutable std::vector<std::string> seen_;
};

}  // namespace

RulesLoad load_configured_rules(const Config& config,
                                const std::optional<DepartmentOverride>& department,
                                const std::optional<std::string>& review) {
  RulesLoad out;
  out.watched.push_back(config.file);
  if (!config.has_rules) return out;
  out.configured = true;
  rules::YamlReader reader(config.file, out.diagnostics);
  auto settings = rules::parse_rules_settings(config.rules_section, reader, config.base_dir);
  if (!settings) return out;
  if (review) settings->review = *review;
  if (settings->department_pubkey) out.department_source = "signed";
  out.update = settings->update;
  if (department) {
    settings->department = department->dir;
    settings->department_pubkey.reset();  // verified through its signed metadata
    settings->department_confined = true;
    out.bundle = department->bundle;
    out.department_source = "update";
  } else if (settings->update) {
    std::string error;
    const auto state = rules::update::read_trusted_state(settings->update->state_dir, error);
    if (!state) {
      // Never fall back to rules.department here: it may be older than what was accepted.
      out.diagnostics.push_back({config.file, 0, 0, "rules.update: " + error});
      return out;
    }
    const auto pinned = rules::update::key_id_of_file(settings->update->pubkey, error);
    if (!pinned) {
      out.diagnostics.push_back({config.file, 0, 0, "rules.update.pubkey: " + error});
      return out;
    }
    // A bundle accepted under another pinned key is not trusted any more: the admin re-pinned
    // (say, after a key leak). rules.department serves until the new key signs a bundle.
    const bool lineage = state->pinned_key_id.empty() || state->pinned_key_id == *pinned;
    if (state->active && !lineage)
      out.diagnostics.push_back(
          {config.file, 0, 0,
           fmt::format("rules.update.pubkey changed: bundle version {} (accepted under key {}) is "
                       "not used; {} serves until the new key signs a bundle",
                       state->active->version, state->pinned_key_id.substr(0, 16),
                       settings->department),
           rules::Severity::warning});
    if (state->active && lineage) {
      settings->department = rules::resolve_path(settings->update->state_dir, state->active->dir);
      settings->department_pubkey.reset();
      settings->department_confined = true;
      out.bundle = state->active;
      out.department_source = "update";
    }
  }
  out.watched.push_back(settings->department);
  if (settings->school) out.watched.push_back(*settings->school);
  if (settings->review) {
    out.watched.push_back(*settings->review);  // watched before it exists
    out.review_file = *settings->review;
  }
  rules::LoadResult loaded;
  if (department && department->files) {
    loaded = rules::load_rules_with_department(*settings, *department->files);
  } else if (settings->department_pubkey) {
    // A signed bundle is read and verified whole by the loader; watch the bundle directory.
    loaded = rules::load_rules(*settings);
  } else {
    RecordingFiles files;
    loaded = rules::load_rules(*settings, files);
    out.watched.insert(out.watched.end(), files.seen().begin(), files.seen().end());
  }
  out.rules = std::move(loaded.rules);
  for (auto& d : loaded.diagnostics) out.diagnostics.push_back(std::move(d));
  return out;
}

RulesLoad reload_configured_rules(const std::string& config_path,
                                  const std::optional<DepartmentOverride>& department) {
  rules::Diagnostics diags;
  const auto config = load_config(config_path, diags);
  if (!config) {
    RulesLoad out;
    out.configured = true;
    out.diagnostics = std::move(diags);
    out.watched.push_back(config_path);
    return out;
  }
  return load_configured_rules(*config, department);
}

std::string fingerprint(const std::vector<std::string>& paths) {
  std::string out;
  std::error_code ec;
  auto add = [&](const fs::path& p) {
    const auto size = fs::is_regular_file(p, ec) ? fs::file_size(p, ec) : 0;
    const auto time = fs::last_write_time(p, ec).time_since_epoch().count();
    out += fmt::format("{}|{}|{}\n", p.string(), size, time);
  };
  // A directory's own modification time changes when a file is added, removed or renamed in
  // it; the files themselves are listed separately.
  for (const auto& path : paths)
    if (!path.empty()) add(path);
  return out;
}

}  // namespace edugate::proxy::server
