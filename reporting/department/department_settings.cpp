#include "reporting/department/department_settings.hpp"

#include <filesystem>

#include "reporting/settings.hpp"
#include "rules/settings.hpp"
#include "rules/yaml_reader.hpp"

namespace edugate::reporting::department {

std::optional<DepartmentSettings> load_department_settings(const std::string& path,
                                                           rules::Diagnostics& diags) {
  rules::YamlReader r(path, diags);
  const auto root = r.load_file();
  if (!root) return std::nullopt;
  DepartmentSettings s;
  if (!r.check_map(
          *root, "the department config",
          {"listen", "tls", "database", "schools", "api_tokens", "timezone", "late_after",
           "max_report_size", "school_reports_per_minute", "school_burst",
           "address_reports_per_minute", "max_connections", "db_connections", "k", "pull"}))
    return std::nullopt;
  const auto dir = std::filesystem::path(path).parent_path().string();
  const auto& n = *root;
  const auto required = [&](const char* key) -> std::optional<std::string> {
    const auto v = n[key];
    if (!v) {
      r.error(n, std::string(key) + " is required");
      return std::nullopt;
    }
    return r.string(v, key);
  };
  if (auto x = required("listen")) {
    const auto colon = x->rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == x->size())
      r.error(n["listen"], "listen must be address:port (e.g. 0.0.0.0:8443)");
    s.listen = *x;
  }
  if (const auto t = n["tls"]; !t) {
    r.error(n, "tls: {cert, key} is required: schools push their reports over HTTPS only");
  } else if (r.check_map(t, "tls", {"cert", "key"})) {
    if (const auto c = t["cert"]; !c)
      r.error(t, "tls.cert is required");
    else if (auto x = r.string(c, "tls.cert"))
      s.tls_cert = rules::resolve_path(dir, *x);
    if (const auto k = t["key"]; !k)
      r.error(t, "tls.key is required");
    else if (auto x = r.string(k, "tls.key"))
      s.tls_key = rules::resolve_path(dir, *x);
  }
  if (auto x = required("database")) s.database = *x;
  if (auto x = required("schools")) s.schools = rules::resolve_path(dir, *x);
  if (const auto v = n["api_tokens"])
    if (auto list = read_token_hashes(v, r, "api_tokens")) s.api_tokens = *list;

  if (const auto v = n["timezone"]) {
    if (auto x = r.string(v, "timezone")) {
      const bool plausible = !x->empty() && x->size() < 64 &&
                             x->find_first_not_of(
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
                                 "uvwxyz0123456789/_+-") == std::string::npos;
      if (!plausible) r.error(v, "timezone must be an IANA name such as Asia/Ho_Chi_Minh");
      s.timezone = *x;
    }
  }
  if (const auto v = n["late_after"]) {
    if (auto d = r.duration(v, "late_after")) {
      if (*d >= std::chrono::seconds(0) && *d <= std::chrono::hours(24 * 28))
        s.late_after = std::chrono::duration_cast<std::chrono::seconds>(*d);
      else
        r.error(v, "late_after must be between 0s and 28d");
    }
  }
  if (const auto v = n["max_report_size"]) {
    if (auto b = r.byte_size(v, "max_report_size")) {
      if (*b >= 64 * 1024 && *b <= (64u << 20))
        s.max_report_bytes = *b;
      else
        r.error(v, "max_report_size must be between 64KiB and 64MiB");
    }
  }
  if (const auto v = n["school_reports_per_minute"])
    if (auto x = r.integer(v, "school_reports_per_minute", 1, 6000))
      s.school_reports_per_minute = static_cast<double>(*x);
  if (const auto v = n["school_burst"])
    if (auto x = r.integer(v, "school_burst", 1, 10000)) s.school_burst = static_cast<int>(*x);
  if (const auto v = n["address_reports_per_minute"])
    if (auto x = r.integer(v, "address_reports_per_minute", 1, 100000))
      s.address_reports_per_minute = static_cast<double>(*x);
  if (const auto v = n["max_connections"])
    if (auto x = r.integer(v, "max_connections", 16, 100000))
      s.max_connections = static_cast<std::size_t>(*x);
  if (const auto v = n["db_connections"])
    if (auto x = r.integer(v, "db_connections", 1, 256))
      s.db_connections = static_cast<std::size_t>(*x);
  if (const auto v = n["k"])
    if (auto x = r.integer(v, "k", 2, 1000)) s.k = static_cast<int>(*x);
  if (const auto p = n["pull"]; p && r.check_map(p, "pull", {"interval", "ca", "weeks"})) {
    if (const auto v = p["interval"]) {
      if (auto d = r.duration(v, "pull.interval")) {
        if (*d >= std::chrono::seconds(1) && *d <= std::chrono::hours(24 * 7))
          s.pull_interval = std::chrono::duration_cast<std::chrono::seconds>(*d);
        else
          r.error(v, "pull.interval must be between 1s and 7d");
      }
    }
    if (const auto v = p["ca"])
      if (auto x = r.string(v, "pull.ca"); x && *x != "system")
        s.pull_ca = rules::resolve_path(dir, *x);
    if (const auto v = p["weeks"])
      if (auto x = r.integer(v, "pull.weeks", 1, 52)) s.pull_weeks = static_cast<int>(*x);
  }
  if (!r.ok()) return std::nullopt;
  return s;
}

}  // namespace edugate::reporting::department
