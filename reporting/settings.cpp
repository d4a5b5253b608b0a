#include "reporting/settings.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <filesystem>

#include "reporting/bearer_token.hpp"
#include "reporting/distinct_counter.hpp"
#include "rules/settings.hpp"

namespace edugate::reporting {

namespace {

using rules::YamlReader;

std::string resolve(const std::string& base_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (p.is_absolute() || base_dir.empty()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

void read_epsilon(const YAML::Node& n, YamlReader& r, ReportingSettings& s) {
  if (n.IsScalar() && (n.Scalar() == "off" || n.Scalar() == "false")) {
    s.epsilon.reset();
    return;
  }
  double value = 0;
  if (n.IsScalar()) {
    const auto& t = n.Scalar();
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
    if (ec == std::errc{} && end == t.data() + t.size() && value > 0 && value <= 100) {
      s.epsilon = value;
      return;
    }
  }
  r.error(n, "reporting.epsilon must be off or a number greater than 0 and at most 100");
}

}  // namespace

std::optional<std::vector<std::string>> read_token_hashes(const YAML::Node& node,
                                                          rules::YamlReader& reader,
                                                          std::string_view what) {
  auto list = reader.string_list(node, what);
  if (!list) return std::nullopt;
  for (const auto& h : *list)
    if (!valid_token_hash(h))
      reader.error(node, fmt::format("each {} entry must be sha256:<64 hex digits> (make one "
                                     "with: edugate report token)",
                                     what));
  return list;
}

namespace {

void read_api(const YAML::Node& n, YamlReader& r, ReportingSettings& s) {
  if (!r.check_map(n, "reporting.api", {"tokens", "requests_per_minute", "burst"})) return;
  if (const auto t = n["tokens"])
    if (auto list = read_token_hashes(t, r, "reporting.api.tokens")) s.api_token_hashes = *list;
  if (const auto v = n["requests_per_minute"])
    if (auto x = r.integer(v, "reporting.api.requests_per_minute", 1, 6000))
      s.api_requests_per_minute = static_cast<double>(*x);
  if (const auto v = n["burst"])
    if (auto x = r.integer(v, "reporting.api.burst", 1, 1000)) s.api_burst = static_cast<int>(*x);
}

/// A school or node id: [A-Za-z0-9._-]{1,64} (it names files and appears in reports).
void read_id(const YAML::Node& v, YamlReader& r, const char* key, std::string& out) {
  if (auto x = r.string(v, key)) {
    if (valid_school_id(*x))
      out = *x;
    else
      r.error(v, fmt::format("{} must be 1-64 letters, digits, '.', '_' or '-'", key));
  }
}

void read_strings(const YAML::Node& n, YamlReader& r, ReportingSettings& s,
                  const std::string& base_dir) {
  if (const auto v = n["store"])
    if (auto x = r.string(v, "reporting.store")) s.store = rules::resolve_state_path(base_dir, *x);
  if (const auto v = n["school_id"]) read_id(v, r, "reporting.school_id", s.school_id);
  if (const auto v = n["school_name"])
    if (auto x = r.string(v, "reporting.school_name")) s.school_name = *x;
  if (const auto v = n["node_id"]) read_id(v, r, "reporting.node_id", s.node_id);
  if (const auto v = n["signing_key"])
    if (auto x = r.string(v, "reporting.signing_key")) s.signing_key = resolve(base_dir, *x);
}

void read_push(const YAML::Node& n, YamlReader& r, ReportingSettings& s,
               const std::string& base_dir) {
  if (!r.check_map(n, "reporting.push", {"url", "ca", "retry_min", "retry_max", "keep_weeks"}))
    return;
  PushSettings p;
  if (const auto v = n["url"]) {
    if (auto x = r.string(v, "reporting.push.url")) {
      if (!x->starts_with("https://") || x->size() <= 8 ||
          x->find_first_of(" \t\r\n#") != std::string::npos)
        r.error(v,
                "reporting.push.url must be an https:// URL (the department's server is "
                "verified)");
      p.url = *x;
    }
  } else {
    r.error(n, "reporting.push.url is required: the department's report endpoint");
  }
  if (const auto v = n["ca"])
    if (auto x = r.string(v, "reporting.push.ca"); x && *x != "system")
      p.ca = resolve(base_dir, *x);
  const auto span = [&](const char* key, std::chrono::milliseconds& out) {
    if (const auto v = n[key]) {
      if (auto d = r.duration(v, std::string("reporting.push.") + key)) {
        if (*d >= std::chrono::seconds(1) && *d <= std::chrono::hours(24))
          out = *d;
        else
          r.error(v, fmt::format("reporting.push.{} must be between 1s and 24h", key));
      }
    }
  };
  span("retry_min", p.retry_min);
  span("retry_max", p.retry_max);
  if (const auto v = n["keep_weeks"])
    if (auto x = r.integer(v, "reporting.push.keep_weeks", 12, 52))
      p.keep_weeks = static_cast<int>(*x);
  if (s.signing_key.empty())
    r.error(n,
            "reporting.push needs reporting.signing_key: the department accepts signed "
            "reports only (edugate report keygen)");
  if (s.school_id.empty()) r.error(n, "reporting.push needs reporting.school_id");
  s.push = p;
}

void read_numbers(const YAML::Node& n, YamlReader& r, ReportingSettings& s) {
  if (const auto v = n["flush_interval"]) {
    if (auto d = r.duration(v, "reporting.flush_interval")) {
      if (*d >= std::chrono::seconds(1) && *d <= std::chrono::hours(1))
        s.flush_interval = *d;
      else
        r.error(v, "reporting.flush_interval must be between 1s and 1h");
    }
  }
  const auto max_k = static_cast<std::int64_t>(DistinctCounter::kExactLimit);
  if (const auto v = n["k"])
    if (auto x = r.integer(v, "reporting.k", 2, max_k)) s.k = static_cast<int>(*x);
  if (const auto v = n["epsilon"]) read_epsilon(v, r, s);
  if (const auto v = n["retention_weeks"])
    if (auto x = r.integer(v, "reporting.retention_weeks", 1, 520))
      s.retention_weeks = static_cast<int>(*x);
  if (const auto v = n["max_store_size"]) {
    if (auto x = r.byte_size(v, "reporting.max_store_size")) {
      if (*x == 0 || *x >= (1u << 20))
        s.max_store_size = *x;
      else
        r.error(v, "reporting.max_store_size must be 0 (no cap) or at least 1MiB");
    }
  }
  if (const auto v = n["top_domains"])
    if (auto x = r.integer(v, "reporting.top_domains", 0, 1000))
      s.top_domains = static_cast<int>(*x);
}

}  // namespace

std::string default_node_id() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "node";
  std::string host(name);
  host = host.substr(0, host.find('.'));
  return valid_school_id(host) ? host : "node";
}

std::optional<ReportingSettings> parse_reporting_settings(const YAML::Node& node,
                                                          YamlReader& reader,
                                                          const std::string& base_dir) {
  ReportingSettings s;
  if (!node.IsDefined() || node.IsNull()) return s;
  const auto before = reader.diagnostics().size();
  if (!reader.check_map(
          node, "reporting",
          {"store", "flush_interval", "k", "epsilon", "school_id", "school_name", "node_id",
           "signing_key", "retention_weeks", "max_store_size", "top_domains", "api", "push"}))
    return std::nullopt;
  read_strings(node, reader, s, base_dir);
  read_numbers(node, reader, s);
  if (const auto v = node["api"]) read_api(v, reader, s);
  if (const auto v = node["push"]) read_push(v, reader, s, base_dir);
  if (reader.diagnostics().size() != before) return std::nullopt;
  return s;
}

}  // namespace edugate::reporting
