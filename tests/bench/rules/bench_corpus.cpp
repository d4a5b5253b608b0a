#include "tests/bench/rules/bench_corpus.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <random>

namespace edugate::rules::bench {

namespace fs = std::filesystem;

namespace {

std::string category_id(std::string prefix, const std::string& name) {
  std::string id = std::move(prefix) + "-";
  for (const char c : name) {
    const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    id += ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') || l == '_') ? l : '-';
  }
  return id.substr(0, 64);
}

std::string category(const std::string& id, const std::string& list, bool mandatory) {
  return fmt::format("  - id: {}\n    labels: {{vi: \"{}\", en: \"{}\"}}\n{}    lists: [{}]\n", id,
                     id, id, mandatory ? "    mandatory: true\n" : "", list);
}

std::vector<fs::path> sorted(const fs::path& dir, bool directories) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (directories ? e.is_directory() : e.path().extension() == ".txt") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// Categories for every list; returns their ids.
std::vector<std::string> list_categories(const fs::path& data, std::string& yaml,
                                         std::size_t& files) {
  std::vector<std::string> ids;
  for (const auto& dir : sorted(data / "ut1/blacklists", true)) {
    ids.push_back(category_id("ut1", dir.filename().string()));
    const bool adult = dir.filename() == "adult" || dir.filename() == "malware";
    yaml += category(ids.back(), fmt::format("{{squidguard: \"{}\"}}", dir.string()), adult);
    ++files;
  }
  const std::array<std::pair<const char*, const char*>, 4> sets = {{{"blocklistproject", "blp"},
                                                                    {"shadowwhisperer", "sw"},
                                                                    {"sinfonietta", "sinf"},
                                                                    {"vn/hostsvn", "hostsvn"}}};
  for (const auto& [dir, prefix] : sets) {
    for (const auto& file : sorted(data / dir, false)) {
      ids.push_back(category_id(prefix, file.stem().string()));
      yaml += category(ids.back(), fmt::format("{{format: domains, file: \"{}\"}}", file.string()),
                       false);
      ++files;
    }
  }
  return ids;
}

}  // namespace

std::vector<std::string> generate_regexes(std::size_t count) {
  static constexpr std::array<const char*, 24> kSyllables = {
      "ca", "si",   "no",  "bet",  "lo",   "de",   "xo",  "so",  "vip", "win", "tai", "xiu",
      "ma", "phim", "hay", "nong", "game", "club", "pro", "max", "zo",  "ku",  "fun", "ok"};
  static constexpr std::array<const char*, 6> kTlds = {"com", "net", "info", "top", "xyz", "vn"};
  std::mt19937_64 rng(830);
  const auto word = [&] {
    std::string w;
    const int n = 2 + static_cast<int>(rng() % 2);
    for (int i = 0; i < n; ++i) w += kSyllables[rng() % kSyllables.size()];
    return w;
  };
  std::vector<std::string> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::string a = fmt::format("{}{}", word(), i % 97);
    const std::string b = word();
    switch (i % 4) {
      case 0:
        out.push_back(
            fmt::format("^([a-z0-9-]+\\.)*{}[0-9]*\\.{}/", a, kTlds[rng() % kTlds.size()]));
        break;
      case 1:
        out.push_back(fmt::format("/{}[-_]?{}/[0-9]+", a, b));
        break;
      case 2:
        out.push_back(fmt::format("[?&]{}={}[0-9]*(&|$)", b, a));
        break;
      default:
        out.push_back(fmt::format("(^|[./-]){}-?(casino|bet|xxx)[0-9]*\\.", a));
        break;
    }
  }
  return out;
}

Corpus write_corpus(const std::string& data_dir, const std::string& out_dir, std::size_t regexes) {
  Corpus c;
  fs::create_directories(out_dir);
  std::string yaml = "categories:\n";
  const auto ids = list_categories(data_dir, yaml, c.list_files);
  const auto patterns = generate_regexes(regexes);
  c.generated_regexes = patterns.size();
  for (int part = 0; part < 4; ++part) {
    const std::string file = fmt::format("{}/generated-regexes-{}.txt", out_dir, part);
    std::ofstream out(file);
    for (std::size_t i = static_cast<std::size_t>(part); i < patterns.size(); i += 4)
      out << patterns[i] << "\n";
    yaml += category(fmt::format("gen-regex-{}", part),
                     fmt::format("{{format: expressions, file: \"{}\"}}", file), false);
  }
  yaml += "profiles:\n  thcs:\n    block: [";
  for (std::size_t i = 0; i < ids.size(); ++i) yaml += (i ? ", " : "") + ids[i];
  yaml += ", gen-regex-0, gen-regex-1, gen-regex-2, gen-regex-3]\n";
  std::ofstream(out_dir + "/department.yaml") << yaml;
  std::ofstream(out_dir + "/school.yaml") << "default_group: {age: thcs}\n";
  std::ofstream(out_dir + "/edugate.yaml")
      << "listeners: [{address: 127.0.0.1:3128}]\nclient_networks: [127.0.0.0/8]\nrules:\n"
      << "  department: department.yaml\n  school: school.yaml\n";
  c.settings.department = out_dir + "/department.yaml";
  c.settings.school = out_dir + "/school.yaml";
  c.config = out_dir + "/edugate.yaml";
  return c;
}

std::vector<std::string> read_lines(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

long rss_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return -1;
}

}  // namespace edugate::rules::bench
