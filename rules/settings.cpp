#include "rules/settings.hpp"

#include <fmt/format.h>

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

}  // namespace

std::optional<RulesSettings> parse_rules_settings(const YAML::Node& section, YamlReader& r,
                                                  const std::string& base_dir) {
  bool good = r.check_map(
      section, "rules", {"department", "school", "timezone", "department_pubkey", "regex_memory"});
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
  if (!good) return std::nullopt;
  return s;
}

}  // namespace edugate::rules
