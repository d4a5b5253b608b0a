#include "rules/yaml_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

namespace edugate::rules {

namespace {

std::optional<std::uint64_t> parse_number_prefix(std::string_view text, std::string_view& rest) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) return std::nullopt;
  rest = text.substr(static_cast<std::size_t>(end - text.data()));
  return value;
}

}  // namespace

std::optional<YAML::Node> YamlReader::load_file() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) {
    diags_.push_back({file_, 0, 0, "cannot open file"});
    ++errors_;
    return std::nullopt;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_text(ss.str());
}

std::optional<YAML::Node> YamlReader::load_text(const std::string& text) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    error(e.mark, e.msg);
    return std::nullopt;
  }
}

void YamlReader::error(const YAML::Mark& at, std::string message) {
  ++errors_;
  if (at.is_null())
    diags_.push_back({file_, 0, 0, std::move(message)});
  else
    diags_.push_back({file_, at.line + 1, at.column + 1, std::move(message)});
}

void YamlReader::warning(const YAML::Node& at, std::string message) {
  const YAML::Mark m = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  Diagnostic d{file_, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1,
               std::move(message)};
  d.severity = Severity::warning;
  diags_.push_back(std::move(d));
}

void YamlReader::error(const YAML::Node& at, std::string message) {
  error(at.IsDefined() ? at.Mark() : YAML::Mark::null_mark(), std::move(message));
}

bool YamlReader::check_map(const YAML::Node& node, std::string_view what,
                           std::initializer_list<std::string_view> allowed) {
  if (!node.IsMap()) {
    error(node, fmt::format("{} must be a mapping", what));
    return false;
  }
  bool good = true;
  std::vector<std::string> seen;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      error(kv.first, fmt::format("keys of {} must be plain names", what));
      good = false;
      continue;
    }
    const std::string& key = kv.first.Scalar();
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(kv.first, fmt::format("duplicate key '{}' in {}", key, what));
      good = false;
      continue;
    }
    seen.push_back(key);
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) {
      std::string hint;
      for (auto a : allowed) hint += (hint.empty() ? "" : ", ") + std::string(a);
      error(kv.first, fmt::format("unknown key '{}' in {} (allowed: {})", key, what, hint));
      good = false;
    }
  }
  return good;
}

std::optional<std::string> YamlReader::string(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) {
    error(node, fmt::format("{} must be a string", what));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
    error(node, fmt::format("{} must be true or false", what));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> YamlReader::integer(const YAML::Node& node, std::string_view what,
                                                std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  if (node.IsScalar()) {
    const auto& s = node.Scalar();
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec == std::errc{} && end == s.data() + s.size() && value >= min && value <= max)
      return value;
  }
  error(node, fmt::format("{} must be an integer from {} to {}", what, min, max));
  return std::nullopt;
}

std::optional<std::chrono::milliseconds> YamlReader::duration(const YAML::Node& node,
                                                              std::string_view what) {
  if (node.IsScalar()) {
    std::string_view unit;
    if (auto n = parse_number_prefix(node.Scalar(), unit); n && *n < (1ull << 40)) {
      const auto v = static_cast<std::int64_t>(*n);
      if (unit == "ms") return std::chrono::milliseconds(v);
      if (unit == "s") return std::chrono::seconds(v);
      if (unit == "m") return std::chrono::minutes(v);
      if (unit == "h") return std::chrono::hours(v);
      if (unit == "d") return std::chrono::hours(24 * v);
    }
  }
  error(node, fmt::format("{} must be a duration such as 250ms, 30s, 5m, 2h or 7d", what));
  return std::nullopt;
}

std::optional<std::uint64_t> YamlReader::byte_size(const YAML::Node& node, std::string_view what) {
  if (node.IsScalar()) {
    std::string_view unit;
    if (auto n = parse_number_prefix(node.Scalar(), unit); n && *n < (1ull << 40)) {
      if (unit.empty() || unit == "B") return *n;
      if (unit == "KiB") return *n << 10;
      if (unit == "MiB") return *n << 20;
      if (unit == "GiB") return *n << 30;
    }
  }
  error(node, fmt::format("{} must be a size such as 8192, 64KiB, 8MiB or 1GiB", what));
  return std::nullopt;
}

std::optional<std::vector<std::string>> YamlReader::string_list(const YAML::Node& node,
                                                                std::string_view what) {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    error(node, fmt::format("{} must be a list", what));
    return std::nullopt;
  }
  bool good = true;
  for (const auto& item : node) {
    if (!item.IsScalar()) {
      error(item, fmt::format("each entry of {} must be a string", what));
      good = false;
      continue;
    }
    out.push_back(item.Scalar());
  }
  if (!good) return std::nullopt;
  return out;
}

}  // namespace edugate::rules
