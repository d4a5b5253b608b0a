// `edugate rules publish` (department side): turns a bundle directory into the static site that
// appliances with rules.update poll: <sha256>.tar.gz (the bundle, content-addressed) and
// current.json (signed, versioned, expiring metadata naming it). `edugate rules status` (school
// side): what the appliance's updater has accepted and how its last attempt went.

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "proxy/cli/commands.hpp"
#include "proxy/config.hpp"
#include "proxy/update/updater.hpp"
#include "rules/load/file_provider.hpp"
#include "rules/load_rules.hpp"
#include "rules/signing/bundle.hpp"
#include "rules/signing/ed25519.hpp"
#include "rules/signing/sha256.hpp"
#include "rules/update/archive.hpp"
#include "rules/update/durable_file.hpp"
#include "rules/update/metadata.hpp"
#include "rules/update/self_test.hpp"
#include "rules/update/trusted_state.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::cli {

namespace {

namespace fs = std::filesystem;
namespace upd = rules::update;

struct PublishArgs {
  std::string key, bundle, site, expires = "30d", next_key;
  std::uint64_t version = 0;
  bool allow_shrink = false;
};

std::string read_file(const std::string& path) { return read_file_or_fail(path); }

/// Writes `bytes` to `path` durably through a rename: a web server serving the directory never
/// sends half a file.
void write_atomically(const fs::path& path, std::string_view bytes) {
  std::string error;
  if (!upd::write_durably(path.string(), bytes, 0644, error)) fail(error);
}

/// "30d", "12h", "90m", "3600s".
std::optional<std::int64_t> parse_seconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const char unit = text.back();
  const std::int64_t mult = unit == 'd' ? 86400 : unit == 'h' ? 3600 : unit == 'm' ? 60 : 1;
  if (unit == 'd' || unit == 'h' || unit == 'm' || unit == 's') text.remove_suffix(1);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc{} || end != text.data() + text.size() || n <= 0 || n > 3650 * 86400 / mult)
    return std::nullopt;
  return n * mult;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void run_publish(const PublishArgs& a) {
  if (a.version == 0) fail("--version must be 1 or more");
  const auto lifetime = parse_seconds(a.expires);
  if (!lifetime)
    fail(fmt::format("--expires {}: give a duration such as 30d, 12h or 90m", a.expires));
  std::string error;
  const auto key = rules::signing::load_private_key(read_file(a.key), error);
  if (!key) fail(fmt::format("{}: {}", a.key, error));
  const auto raw = rules::signing::raw_public_key(key.get());
  if (!raw) fail(fmt::format("{}: cannot read the public half", a.key));

  // Versions only grow: refuse to publish at or below what the site already holds.
  const fs::path site(a.site);
  const fs::path current = site / "current.json";
  std::error_code ec;
  if (fs::exists(current, ec)) {
    const auto old = upd::parse_metadata(read_file(current.string()), error);
    if (!old)
      fail(fmt::format("{}: {} (move it away to start a new site)", current.string(), error));
    if (old->metadata.version >= a.version)
      fail(
          fmt::format("version {} is not above version {} already published in {}: versions "
                      "only grow (appliances refuse anything older than what they hold)",
                      a.version, old->metadata.version, current.string()));
  }

  // The bundle must load as an appliance will load it: publish nothing a school would refuse.
  auto files = rules::signing::read_bundle(a.bundle, error);
  if (!files) fail(error);
  if (files->empty()) fail(fmt::format("{}: no file to publish", a.bundle));
  // Packing (gzip) and loading take about as long each: the archive is made on a second thread.
  std::optional<std::string> archive;
  std::string pack_error;
  std::jthread packer([&] { archive = upd::pack(*files, pack_error); });
  // Loaded from the very bytes that are packed (read once): what is checked is what is published,
  // and, as on the appliances, the bundle can read no file outside itself.
  rules::RulesSettings settings;
  settings.department = rules::resolve_path("", a.bundle);
  std::map<std::string, std::string> keyed;
  for (const auto& [rel, bytes] : *files)
    keyed.emplace(rules::resolve_path(settings.department, rel), bytes);
  const rules::load::MemoryFiles bundle_files(
      std::move(keyed), fmt::format("not part of the bundle {}", settings.department));
  const auto loaded = rules::load_rules_with_department(settings, bundle_files);
  for (const auto& d : loaded.diagnostics) fmt::print(stderr, "{}\n", rules::format(d));
  if (!loaded.rules) fail(fmt::format("{}: the bundle does not load; nothing published", a.bundle));
  if (const auto problems = upd::self_test(*loaded.rules, nullptr, {}); !problems.empty()) {
    for (const auto& p : problems) fmt::print(stderr, "{}\n", p);
    fail(fmt::format("{}: the bundle fails the self-test appliances run; nothing published",
                     a.bundle));
  }

  packer.join();
  if (!archive) fail("packing the bundle failed: " + pack_error);
  upd::Metadata m;
  m.version = a.version;
  m.created = unix_now();
  m.expires = m.created + *lifetime;
  m.archive_sha256 = rules::signing::sha256_hex(*archive);
  m.archive_name = m.archive_sha256 + ".tar.gz";
  m.archive_size = archive->size();
  m.entries = upd::entry_count(*loaded.rules);
  m.key_id = upd::key_id(*raw);
  m.allow_shrink = a.allow_shrink;
  if (!a.next_key.empty()) {
    const auto next = rules::signing::load_public_key(read_file(a.next_key), error);
    const auto next_raw = next ? rules::signing::raw_public_key(next.get()) : std::nullopt;
    if (!next_raw) fail(fmt::format("{}: {}", a.next_key, error));
    m.next_key = *next_raw;
  }
  const auto text = upd::write_metadata(m, key.get(), error);
  if (!text) fail("signing failed: " + error);

  fs::create_directories(site, ec);
  if (ec) fail(fmt::format("{}: {}", a.site, ec.message()));
  // The archive first: current.json never names a file that is not there yet.
  write_atomically(site / m.archive_name, *archive);
  write_atomically(current, *text);
  fmt::print(
      "published version {} in {}: {} ({} bytes, {} files, {} entries), current.json "
      "signed by key {}, expires {}{}\n",
      m.version, a.site, m.archive_name, m.archive_size, files->size(), m.entries,
      m.key_id.substr(0, 16), upd::format_utc(m.expires),
      m.next_key ? fmt::format("; names the next key {}", upd::key_id(*m.next_key).substr(0, 16))
                 : "");
}

std::string when(std::int64_t t, std::int64_t now) {
  if (t <= 0) return "never";
  return fmt::format("{} ({} s ago)", upd::format_utc(t), now - t);
}

void run_status(const std::string& config_path) {
  rules::Diagnostics diags;
  const auto config = proxy::load_config(config_path, diags);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!config) fail(fmt::format("{}: cannot read the config", config_path));
  if (!config->has_rules) fail(fmt::format("{}: no rules: section", config_path));
  rules::YamlReader reader(config->file, diags);
  const auto settings =
      rules::parse_rules_settings(config->rules_section, reader, config->base_dir);
  for (const auto& d : diags) fmt::print(stderr, "{}\n", rules::format(d));
  if (!settings) fail(fmt::format("{}: the rules: section has errors", config_path));
  if (!settings->update) {
    fmt::print("rules.update is not configured: the department rules are {} ({})\n",
               settings->department,
               settings->department_pubkey ? "signature checked with rules.department_pubkey"
                                           : "not signed");
    return;
  }
  const auto& u = *settings->update;
  std::string error;
  const auto state = upd::read_trusted_state(u.state_dir, error);
  if (!state) fail(error);
  const auto status =
      proxy::update::read_update_status(u.state_dir).value_or(proxy::update::UpdateStatus{});
  const auto now = unix_now();
  fmt::print("site:           {}\nstate dir:      {}\n", u.url, u.state_dir);
  if (state->active) {
    const auto& b = *state->active;
    fmt::print(
        "in force:       version {} (signature verified), {} entries\n"
        "  from:         {}\n  published:    {}\n  accepted:     {}\n  expires:      {}{}\n"
        "  directory:    {}/{}\n  signed by:    key {}\n",
        b.version, b.entries, b.source, upd::format_utc(b.created), when(b.accepted_at, now),
        upd::format_utc(b.expires), now >= b.expires ? "  (EXPIRED)" : "", u.state_dir, b.dir,
        b.key_id.substr(0, 16));
  } else {
    fmt::print("in force:       {} (no bundle accepted yet)\n", settings->department);
  }
  if (state->previous)
    fmt::print("previous:       version {} (kept in {}/{})\n", state->previous->version,
               u.state_dir, state->previous->dir);
  fmt::print("highest version accepted: {}\n", state->highest_version);
  fmt::print("last check:     {}\nlast success:   {}\n", when(status.last_check, now),
             when(status.last_success, now));
  if (!status.last_error.empty())
    fmt::print("last attempt FAILED: {}\n  failures in a row: {} since {}\n", status.last_error,
               status.consecutive_failures, upd::format_utc(status.failing_since));
  const bool stale = proxy::update::is_stale(state->active, status, u.stale_after, now);
  fmt::print("state:          {}\n",
             stale ? "STALE (filtering goes on with the bundle in force)" : "current");
}

}  // namespace

void add_rules_publish_commands(CLI::App& app) {
  CLI::App* rules_cmd = nullptr;
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
    if (sub->get_name() == "rules") rules_cmd = sub;
  if (!rules_cmd) rules_cmd = app.add_subcommand("rules", "Department rule bundles");

  auto a = std::make_shared<PublishArgs>();
  auto* p = rules_cmd->add_subcommand(
      "publish", "Publish a bundle directory as a signed, versioned site for rules.update");
  p->add_option("--key", a->key, "Ed25519 private key (PEM) of the department")->required();
  p->add_option("--version", a->version, "Version number; must be above the one published")
      ->required();
  p->add_option("--expires", a->expires, "How long the metadata stays valid (30d, 12h)")
      ->capture_default_str();
  p->add_option("--next-key", a->next_key,
                "Public key (PEM) that will sign later versions (key rotation)");
  p->add_flag("--allow-shrink", a->allow_shrink,
              "The lists were cut on purpose: appliances accept losing more entries");
  p->add_option("bundle", a->bundle, "Bundle directory (rule files and lists)")->required();
  p->add_option("-o,--out", a->site, "Site directory to write (served by any web server)")
      ->required();
  p->callback([a] { run_publish(*a); });

  auto config = std::make_shared<std::string>(default_config_path());
  auto* s = rules_cmd->add_subcommand("status", "The department bundle in force and its updates");
  s->add_option("-c,--config", *config, "Appliance config file")->capture_default_str();
  s->callback([config] { run_status(*config); });
}

}  // namespace edugate::cli
