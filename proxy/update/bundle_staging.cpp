#include "proxy/update/bundle_staging.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <thread>

#include "rules/load/file_provider.hpp"
#include "rules/settings.hpp"
#include "rules/signing/sha256.hpp"
#include "rules/update/archive.hpp"
#include "rules/update/durable_file.hpp"
#include "rules/update/self_test.hpp"

namespace edugate::proxy::update {

namespace fs = std::filesystem;

namespace {

RulesLoad refused(std::string why) {
  RulesLoad out;
  out.configured = true;
  out.diagnostics.push_back({"", 0, 0, std::move(why)});
  return out;
}

void fsync_path(const fs::path& p, int flags) {
  const int fd = ::open(p.c_str(), flags | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

/// Writes `files` (full paths under `prefix`) under `dir` instead (which must not exist), each
/// file fsynced, then the directories.
bool write_files(const fs::path& dir, const std::string& prefix,
                 const std::map<std::string, std::string>& files, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = fmt::format("{}: {}", dir.string(), ec.message());
    return false;
  }
  std::vector<fs::path> dirs{dir};
  for (const auto& [full, bytes] : files) {
    // unpack() allowed only clean relative names; resolve_path() put them under `prefix`.
    const fs::path path = dir / full.substr(prefix.size() + 1);
    for (auto parent = path.parent_path();
         parent != dir && parent.string().size() > dir.string().size();
         parent = parent.parent_path()) {
      if (std::find(dirs.begin(), dirs.end(), parent) != dirs.end()) break;
      fs::create_directories(parent, ec);
      dirs.push_back(parent);
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
    if (fd < 0) {
      error = fmt::format("{}: {}", path.string(), std::strerror(errno));
      return false;
    }
    const bool ok = rules::update::write_all(fd, bytes) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) {
      error = fmt::format("{}: {}", path.string(), std::strerror(errno));
      return false;
    }
  }
  for (const auto& d : dirs) fsync_path(d, O_RDONLY | O_DIRECTORY);
  return true;
}

std::string bundle_name(const rules::update::Metadata& m) {
  return fmt::format("{}-{}", m.version, m.archive_sha256.substr(0, 16));
}

/// What state.json records of the candidate's bundle, unpacked in `dir`.
rules::update::AcceptedBundle record_of(const Candidate& c, std::string dir) {
  const auto& m = c.metadata.metadata;
  rules::update::AcceptedBundle b;
  b.version = m.version;
  b.dir = std::move(dir);
  b.archive_sha256 = m.archive_sha256;
  b.entries = m.entries;
  b.key_id = m.key_id;
  b.created = m.created;
  b.expires = m.expires;
  b.accepted_at = c.now;
  b.source = c.settings.url;
  b.metadata = c.metadata_text;
  return b;
}

}  // namespace

bool tidy_state_dir(const std::string& state_dir, const rules::update::TrustedState& state,
                    std::string& error) {
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  if (ec) {
    error = fmt::format("{}: {}", state_dir, ec.message());
    return false;
  }
  fs::permissions(state_dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec,
                  ec);
  fs::remove_all(fs::path(state_dir) / "staging", ec);
  const fs::path bundles = fs::path(state_dir) / "bundles";
  if (fs::is_symlink(bundles, ec)) {  // never follow a link out of the state directory
    error = fmt::format("{}: a symbolic link; refusing to use it", bundles.string());
    return false;
  }
  for (auto it = fs::directory_iterator(bundles, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    const std::string rel = "bundles/" + it->path().filename().string();
    const bool kept = (state.active && state.active->dir == rel) ||
                      (state.previous && state.previous->dir == rel);
    std::error_code rm;
    if (!kept) fs::remove_all(it->path(), rm);
  }
  return true;
}

RulesLoad try_candidate(const Candidate& c, rules::update::TrustedState& committed) {
  const auto& m = c.metadata.metadata;
  const auto& state_dir = c.settings.state_dir;
  std::string error;
  if (c.same_archive && c.state.active && c.serving &&
      c.state.active->archive_sha256 == m.archive_sha256) {
    committed = c.state;
    committed.keys = rules::update::keys_after(c.metadata, c.trust);
    committed.highest_version = m.version;
    committed.active = record_of(c, c.state.active->dir);
    if (!rules::update::write_trusted_state(state_dir, committed, error))
      return refused("cannot record the new version: " + error);
    RulesLoad out;
    out.configured = true;
    out.rules = c.serving;
    out.bundle = committed.active;
    out.department_source = "update";
    return out;
  }
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  auto lap = [last = t0]() mutable {
    const auto now = Clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now - last).count();
    last = now;
    return ms;
  };
  // The hash is checked before anything unpacked is used; reading the archive into memory (the
  // fuzzed unpack(), with its limits) runs beside the hashing on the second core.
  std::string hash;
  std::thread hasher([&] { hash = rules::signing::sha256_hex(c.archive); });
  rules::update::UnpackLimits limits;
  limits.max_total_bytes = c.settings.max_size;
  auto files = rules::update::unpack(c.archive, limits, error);
  hasher.join();
  if (hash != m.archive_sha256)
    return refused(
        fmt::format("{}: SHA-256 {} is not the {} that current.json signs (altered or "
                    "mixed up with another version)",
                    m.archive_name, hash.substr(0, 16), m.archive_sha256.substr(0, 16)));
  if (!files) return refused(fmt::format("{}: {}", m.archive_name, error));
  if (files->empty()) return refused(fmt::format("{}: the archive holds no file", m.archive_name));

  std::string name = bundle_name(m);
  // Never reuse the directory of a bundle the state names (the same version and content
  // published again under a newly pinned key): removing it would pull the rules in force away.
  for (const auto* b : {&c.state.active, &c.state.previous})
    if (*b && (*b)->dir == "bundles/" + name) name += fmt::format("-{}", c.now);
  const fs::path staging = fs::path(state_dir) / "staging" / name;
  const fs::path final_dir = fs::path(state_dir) / "bundles" / name;
  std::error_code ec;
  fs::remove_all(staging, ec);
  const auto t_unpack = lap();

  const auto record = record_of(c, "bundles/" + name);

  // Two things at once: the files go to disk (staging, fsynced) on a second thread while the
  // loader compiles the same bytes from memory under the paths they will have once moved in.
  std::map<std::string, std::string> keyed;
  for (auto& [rel, bytes] : *files)
    keyed.emplace(rules::resolve_path(final_dir.string(), rel), std::move(bytes));
  files.reset();
  const rules::load::MemoryFiles in_memory(
      std::move(keyed), fmt::format("not part of the department bundle {}", final_dir.string()));
  bool written = false;
  std::string write_error;
  std::int64_t t_write = 0;
  std::thread writer([&] {
    const auto start = Clock::now();
    written = write_files(staging, final_dir.string(), in_memory.files(), write_error);
    t_write = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  });
  auto load = server::reload_configured_rules(
      c.config_path, DepartmentOverride{final_dir.string(), record, &in_memory});
  writer.join();
  if (!written) {
    fs::remove_all(staging, ec);
    return refused("unpacking failed: " + write_error);
  }
  fs::create_directories(final_dir.parent_path(), ec);
  fs::remove_all(final_dir, ec);  // a bundle of this name that never committed
  fs::rename(staging, final_dir, ec);
  if (ec) {
    std::error_code rm;
    fs::remove_all(staging, rm);
    return refused(fmt::format("{}: {}", final_dir.string(), ec.message()));
  }
  fsync_path(final_dir.parent_path(), O_RDONLY | O_DIRECTORY);

  const auto give_up = [&](RulesLoad out) {
    std::error_code rm;
    fs::remove_all(final_dir, rm);
    out.rules.reset();
    return out;
  };
  if (!load.rules) {
    auto out = refused(fmt::format(
        "version {} does not load ({} problem(s); first: {})", m.version, load.diagnostics.size(),
        load.diagnostics.empty() ? std::string("none given")
                                 : rules::format(load.diagnostics.front())));
    return give_up(std::move(out));
  }
  rules::update::SelfTestLimits self;
  self.max_shrink = c.settings.max_shrink;
  self.allow_shrink = m.allow_shrink;
  const auto t_compile = lap();  // compile and write, side by side
  if (const auto problems = rules::update::self_test(*load.rules, c.serving.get(), self);
      !problems.empty()) {
    std::string why = fmt::format("version {} fails the self-test:", m.version);
    for (const auto& p : problems) why += " " + p + ";";
    why.pop_back();
    return give_up(refused(std::move(why)));
  }

  committed = c.state;
  committed.pinned_key_id = c.trust.pinned_key_id;
  committed.keys = rules::update::keys_after(c.metadata, c.trust);
  committed.highest_version = m.version;
  if (committed.active && committed.active->dir != record.dir)
    committed.previous = committed.active;
  committed.active = record;
  const auto t_test = lap();
  if (!rules::update::write_trusted_state(state_dir, committed, error))
    return give_up(refused("cannot record the new bundle: " + error));
  spdlog::info(
      "rules.update: version {}: hash and unpack {} ms, compile {} ms (writing to disk "
      "beside it {} ms), self-test {} ms, commit {} ms",
      m.version, t_unpack, t_compile, t_write, t_test, lap());
  tidy_state_dir(state_dir, committed, error);
  return load;
}

}  // namespace edugate::proxy::update
