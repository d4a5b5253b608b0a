#include "reporting/department/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "reporting/school_id.hpp"
#include "reporting/signing.hpp"
#include "rules/policy_types.hpp"
#include "rules/settings.hpp"

namespace edugate::reporting::department {

namespace {

/// Schools a registry may hold: a province has at most a few thousand.
constexpr std::size_t kMaxSchools = 100'000;
constexpr std::size_t kMaxRegistryBytes = 64u << 20;

struct Field {
  std::string text;
  int column = 1;
};

/// RFC 4180 records: fields separated by ',', quoted with '"' ('""' inside quotes), records
/// ended by CRLF or LF (also inside quotes, a line break belongs to the field).
class CsvReader {
 public:
  explicit CsvReader(std::string_view text) : text_(text) {}

  /// The next record, or nullopt at the end; `error` set on an unterminated quote.
  std::optional<std::vector<Field>> next(int& line, std::string& error) {
    if (pos_ >= text_.size()) return std::nullopt;
    line = line_;
    std::vector<Field> fields;
    Field field;
    int column = 1;
    bool quoted = false, was_quoted = false;
    field.column = column;
    while (pos_ < text_.size()) {
      const char c = text_[pos_++];
      ++column;
      if (quoted) {
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field.text += '"';
            ++pos_;
            ++column;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') ++line_, column = 1;
          field.text += c;
        }
        continue;
      }
      if (c == '"' && field.text.empty() && !was_quoted) {
        quoted = was_quoted = true;
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field = Field{{}, column};
        was_quoted = false;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
        ++line_;
        fields.push_back(std::move(field));
        return fields;
      } else {
        field.text += c;
      }
    }
    if (quoted) {
      error = "a quoted field is not closed before the end of the file";
      return std::nullopt;
    }
    fields.push_back(std::move(field));
    return fields;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

std::string trim(std::string s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::optional<std::vector<RegisteredSchool>> parse_registry(std::string_view text,
                                                            const std::string& file,
                                                            const std::string& base_dir,
                                                            rules::Diagnostics& diags) {
  const auto errors_before = rules::error_count(diags);
  auto error = [&](int line, int column, std::string message) {
    diags.push_back({file, line, column, std::move(message), rules::Severity::error});
  };
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // Excel's UTF-8 mark
  CsvReader csv(text);
  int line = 0;
  std::string csv_error;
  const auto header = csv.next(line, csv_error);
  static const std::vector<std::string> kColumns = {
      "school_id", "name", "district", "levels", "public_key", "pull_url", "pull_token_file"};
  if (!header) {
    error(1, 1,
          csv_error.empty() ? "the registry is empty: expected the header " +
                                  fmt::format("{}", fmt::join(kColumns, ","))
                            : csv_error);
    return std::nullopt;
  }
  const auto columns = header->size();
  bool header_ok = columns == 5 || columns == 7;
  for (std::size_t i = 0; header_ok && i < columns; ++i)
    header_ok = trim((*header)[i].text) == kColumns[i];
  if (!header_ok) {
    error(1, 1,
          "the header must be school_id,name,district,levels,public_key"
          "[,pull_url,pull_token_file]");
    return std::nullopt;
  }

  std::vector<RegisteredSchool> schools;
  std::set<std::string, std::less<>> seen;
  std::map<std::string, std::string> key_owner;  // public key -> school
  while (auto record = csv.next(line, csv_error)) {
    if (record->size() == 1 && trim((*record)[0].text).empty()) continue;  // a blank line
    if (record->size() != columns) {
      error(line, 1, fmt::format("expected {} fields, found {}", columns, record->size()));
      continue;
    }
    auto& f = *record;
    RegisteredSchool s;
    s.id = trim(f[0].text);
    if (!valid_school_id(s.id)) {
      error(line, f[0].column,
            fmt::format("school_id {} must be 1-64 letters, digits, '-', '_' or '.'",
                        rules::quote_token(s.id)));
      continue;
    }
    if (!seen.insert(s.id).second) {
      error(line, f[0].column, fmt::format("school {} is listed twice", s.id));
      continue;
    }
    s.name = trim(f[1].text);
    s.district = trim(f[2].text);
    if (s.name.empty() || s.name.size() > 256) {
      error(line, f[1].column, "name must be 1-256 bytes");
      continue;
    }
    if (s.district.empty() || s.district.size() > 256) {
      error(line, f[2].column, "district must be 1-256 bytes");
      continue;
    }
    std::istringstream levels(f[3].text);
    std::string level;
    bool levels_ok = true;
    while (std::getline(levels, level, ';')) {
      level = trim(level);
      if (level.empty()) continue;
      if (!rules::parse_age_band(level)) {
        error(line, f[3].column,
              fmt::format("level {} is not one of: mam-non, tieu-hoc, thcs, thpt, staff",
                          rules::quote_token(level)));
        levels_ok = false;
        break;
      }
      if (std::find(s.levels.begin(), s.levels.end(), level) == s.levels.end())
        s.levels.push_back(level);
    }
    if (!levels_ok) continue;
    if (s.levels.empty()) {
      error(line, f[3].column, "levels must name at least one age band (e.g. thcs;thpt)");
      continue;
    }
    const auto key_text = trim(f[4].text);
    // A raw Ed25519 key in base64 is 44 characters ending in '='; anything else is a path.
    const bool base64 = key_text.size() == 44 && key_text.back() == '=' &&
                        key_text.find_first_not_of(
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                            "0123456789+/=") == std::string::npos;
    const bool looks_like_path = !base64;
    std::string key_error;
    auto key = load_public_key(looks_like_path ? rules::resolve_path(base_dir, key_text) : key_text,
                               &key_error);
    if (!key) {
      error(line, f[4].column,
            fmt::format("public_key: {} (a .pub file from edugate report keygen, or its base64)",
                        key_error));
      continue;
    }
    s.public_key = public_key_base64(key.get());
    // One key, one school: a key shared by two (a mistyped .pub path) would let one school's
    // appliance speak for the other.
    if (const auto [at, fresh] = key_owner.try_emplace(s.public_key, s.id); !fresh) {
      error(line, f[4].column,
            fmt::format("school {} has the same public key as school {}", s.id, at->second));
      continue;
    }
    if (columns == 7) {
      s.pull_url = trim(f[5].text);
      if (!s.pull_url.empty() && !s.pull_url.starts_with("https://")) {
        error(line, f[5].column, "pull_url must be an https:// URL");
        continue;
      }
      if (const auto t = trim(f[6].text); !t.empty())
        s.pull_token_file = rules::resolve_path(base_dir, t);
    }
    schools.push_back(std::move(s));
    if (schools.size() > kMaxSchools) {
      error(line, 1, fmt::format("more than {} schools", kMaxSchools));
      return std::nullopt;
    }
  }
  if (!csv_error.empty()) error(line, 1, csv_error);
  if (rules::error_count(diags) > errors_before) return std::nullopt;
  return schools;
}

std::optional<std::vector<RegisteredSchool>> read_registry(const std::string& path,
                                                           rules::Diagnostics& diags) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diags.push_back({path, 0, 0, "cannot read the registry", rules::Severity::error});
    return std::nullopt;
  }
  std::string text;
  text.resize(kMaxRegistryBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxRegistryBytes) {
    diags.push_back({path, 0, 0, "the registry is larger than 64 MiB", rules::Severity::error});
    return std::nullopt;
  }
  const auto dir = std::filesystem::path(path).parent_path().string();
  return parse_registry(text, path, dir, diags);
}

}  // namespace edugate::reporting::department
