#include "tests/unit/rules/support/temp_tree.hpp"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace edugate::rules::testing {

namespace fs = std::filesystem;

TempTree::TempTree() {
  std::string pattern = (fs::temp_directory_path() / "edugate-rules-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  root_ = pattern;
}

TempTree::~TempTree() {
  std::error_code ec;
  fs::remove_all(root_, ec);
}

std::string TempTree::write(const std::string& rel, std::string_view content) const {
  const fs::path p = fs::path(root_) / rel;
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  return p.string();
}

LoadResult load_tree(const TempTree& tree, const std::string& department,
                     const std::optional<std::string>& school) {
  RulesSettings s;
  s.department = tree.path(department);
  if (school) s.school = tree.path(*school);
  return load_rules(s);
}

LoadResult load_yaml(std::string_view department, std::string_view school) {
  const TempTree tree;
  tree.write("department.yaml", department);
  tree.write("school.yaml", school);
  return load_tree(tree, "department.yaml", "school.yaml");
}

std::string all(const Diagnostics& diags) {
  std::string out;
  for (const auto& d : diags) out += format(d) + "\n";
  return out;
}

bool has_diagnostic(const Diagnostics& diags, const std::string& file, int line, int column,
                    std::string_view text) {
  for (const auto& d : diags)
    if (d.file == file && d.line == line && d.column == column &&
        d.message.find(text) != std::string::npos)
      return true;
  return false;
}

RequestFacts http_facts(GroupId group, std::string_view host, std::string_view path,
                        std::string_view query, LocalTime at) {
  RequestFacts f;
  f.group = group;
  f.method = Method::get;
  f.scheme = Scheme::http;
  f.host = host;
  f.port = 80;
  f.path = path;
  f.query = query;
  f.at = at;
  return f;
}

RequestFacts connect_facts(GroupId group, std::string_view host, std::string_view sni,
                           LocalTime at) {
  RequestFacts f;
  f.group = group;
  f.method = Method::connect;
  f.scheme = Scheme::https;
  f.host = host;
  f.port = 443;
  f.sni = sni;
  f.at = at;
  return f;
}

LocalTime at(int weekday, int hour, int minute) {
  LocalTime t;
  t.day = 20409 + weekday;  // 2025-11-17 is a Monday
  t.weekday = static_cast<std::uint8_t>(weekday);
  t.minute_of_day = static_cast<std::uint16_t>(hour * 60 + minute);
  return t;
}

}  // namespace edugate::rules::testing
