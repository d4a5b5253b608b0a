#include "rules/settings.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "rules/local_time.hpp"

namespace edugate::rules {

std::string resolve_path(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  std::string out = (p.is_absolute() || base_dir.empty() ? p : std::filesystem::path(base_dir) / p)
                        .lexically_normal()
                        .string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();  // "rules/department/" is a dir
  return out;
}

std::string resolve_state_path(const std::string& base_dir, const std::string& path) {
  constexpr std::string_view kStateVar = "$STATE_DIRECTORY";
  if (!path.starts_with(kStateVar)) return resolve_path(base_dir, path);
  const char* env = std::getenv("STATE_DIRECTORY");
  std::string dir = env && *env ? env : "/var/lib/edugate";
  if (const auto colon = dir.find(':'); colon != std::string::npos) dir.resize(colon);
  return resolve_path({}, dir + path.substr(kStateVar.size()));
}

namespace {

std::optional<std::string> read_path(YamlReader& r, const YAML::Node& n, const char* key,
                                     const std::string& base_dir) {
  auto s = r.string(n, key);
  if (!s) return std::nullopt;
  if (s->empty()) {
    r.error(n, fmt::format("{} must not be empty", key));
    return std::nullopt;
  }
  return resolve_path(base_dir, *s);
}

std::optional<std::chrono::milliseconds> read_duration(YamlReader& r, const YAML::Node& n,
                                                       const char* key,
                                                       std::chrono::milliseconds min) {
  const auto d = r.duration(n, key);
  if (d && (*d < min || *d > std::chrono::hours(24 * 365))) {
    r.error(n, fmt::format("rules.update.{} must be between {}s and 365d", key,
                           std::chrono::duration_cast<std::chrono::seconds>(min).count()));
    return std::nullopt;
  }
  return d;
}

std::optional<UpdateSettings> parse_update(const YAML::Node& section, YamlReader& r,
                                           const std::string& base_dir) {
  bool good = r.check_map(section, "rules.update",
                          {"url", "pubkey", "interval", "ca", "state_dir", "stale_after", "timeout",
                           "max_size", "max_shrink"});
  if (!section.IsMap()) return std::nullopt;
  UpdateSettings u;
  if (const auto n = section["url"]) {
    auto url = r.string(n, "rules.update.url");
    if (url && !url->starts_with("https://")) {
      r.error(n, "rules.update.url must be https:// (the department's server is verified)");
      good = false;
    } else if (url && (url->size() <= 8 || url->find_first_of(" \t\r\n?#") != std::string::npos)) {
      r.error(n, "rules.update.url must be https://HOST[:PORT]/PATH/ with no query");
      good = false;
    } else if (url) {
      u.url = *url;
      if (u.url.back() != '/') u.url += '/';
    } else {
      good = false;
    }
  } else {
    r.error(section, "rules.update.url is required: the department's published site");
    good = false;
  }
  if (const auto n = section["pubkey"]) {
    auto p = read_path(r, n, "pubkey", base_dir);
    good = good && p.has_value();
    if (p) u.pubkey = *p;
  } else {
    r.error(section, "rules.update.pubkey is required: the department's public key, pinned");
    good = false;
  }
  if (const auto n = section["ca"]) {
    auto ca = r.string(n, "rules.update.ca");
    if (ca && *ca != "system") {
      u.ca = resolve_path(base_dir, *ca);
    } else {
      good = good && ca.has_value();
    }
  }
  if (const auto n = section["state_dir"]) {
    auto p = r.string(n, "rules.update.state_dir");
    if (p && !p->empty())
      u.state_dir = resolve_state_path(base_dir, *p);
    else
      good = false;
  } else {
    u.state_dir = resolve_state_path(base_dir, "$STATE_DIRECTORY/rules");
  }
  using std::chrono::seconds;
  if (const auto n = section["interval"]) {
    auto d = read_duration(r, n, "interval", seconds(1));
    good = good && d.has_value();
    if (d) u.interval = *d;
  }
  if (const auto n = section["stale_after"]) {
    auto d = read_duration(r, n, "stale_after", seconds(1));
    good = good && d.has_value();
    if (d) u.stale_after = *d;
  }
  if (const auto n = section["timeout"]) {
    auto d = read_duration(r, n, "timeout", seconds(1));
    good = good && d.has_value();
    if (d) u.timeout = *d;
  }
  if (const auto n = section["max_size"]) {
    auto v = r.byte_size(n, "rules.update.max_size");
    if (v && (*v < (std::uint64_t{1} << 20) || *v > (std::uint64_t{4} << 30))) {
      r.error(n, "rules.update.max_size must be between 1MiB and 4GiB");
      good = false;
    } else if (v) {
      u.max_size = *v;
    } else {
      good = false;
    }
  }
  if (const auto n = section["max_shrink"]) {
    // "50%" or a share such as 0.5.
    std::string t = n.IsScalar() ? n.Scalar() : "";
    double v = -1;
    bool percent = !t.empty() && t.back() == '%';
    if (percent) t.pop_back();
    if (!t.empty()) {
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc{} || end != t.data() + t.size()) v = -1;
    }
    if (percent) v /= 100;
    if (!(v >= 0 && v <= 1)) {  // NaN fails both
      r.error(n, "rules.update.max_shrink must be a share such as 50% or 0.5");
      good = false;
    } else {
      u.max_shrink = v;
    }
  }
  if (!good) return std::nullopt;
  return u;
}

}  // namespace

std::optional<RulesSettings> parse_rules_settings(const YAML::Node& section, YamlReader& r,
                                                  const std::string& base_dir) {
  bool good = r.check_map(section, "rules",
                          {"department", "school", "review", "timezone", "department_pubkey",
                           "regex_memory", "update"});
  if (!section.IsMap()) return std::nullopt;
  RulesSettings s;
  if (const auto n = section["department"]) {
    if (auto p = read_path(r, n, "department", base_dir))
      s.department = *p;
    else
      good = false;
  } else {
    r.error(section, "rules.department is required: the department rule file or directory");
    good = false;
  }
  if (const auto n = section["school"]) {
    s.school = read_path(r, n, "school", base_dir);
    good = good && s.school.has_value();
  }
  if (const auto n = section["review"]) {
    s.review = read_path(r, n, "review", base_dir);
    good = good && s.review.has_value();
  } else if (s.school) {
    const auto dir = std::filesystem::path(*s.school).parent_path().string();
    s.review = resolve_path(dir.empty() ? "." : dir, "review.yaml");
  }
  if (const auto n = section["department_pubkey"]) {
    s.department_pubkey = read_path(r, n, "department_pubkey", base_dir);
    good = good && s.department_pubkey.has_value();
  }
  if (const auto n = section["timezone"]) {
    std::string why;
    if (auto z = r.string(n, "timezone"); z && TimeZone::locate(*z, why)) {
      s.timezone = *z;
    } else {
      if (z) r.error(n, why);
      good = false;
    }
  }
  if (const auto n = section["regex_memory"]) {
    const auto v = r.byte_size(n, "regex_memory");
    if (v && (*v < (std::uint64_t{1} << 20) || *v > (std::uint64_t{4} << 30))) {
      r.error(n, "regex_memory must be between 1MiB and 4GiB");
      good = false;
    } else if (v) {
      s.regex_memory = *v;
    } else {
      good = false;
    }
  }
  if (const auto n = section["update"]) {
    s.update = parse_update(n, r, base_dir);
    good = good && s.update.has_value();
  }
  if (!good) return std::nullopt;
  return s;
}

}  // namespace edugate::rules
