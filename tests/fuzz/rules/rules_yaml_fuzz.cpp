// libFuzzer target: department and school rule files from untrusted bytes through the whole
// loader (YAML parsing, checks, list reading, compilation), in memory. The input is split at the
// first "\n===\n" into department.yaml and school.yaml; a small list file is always present so
// that `lists:` references can resolve. Any crash, leak or UB is a bug; diagnostics are fine.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "rules/decide.hpp"
#include "rules/load/file_provider.hpp"
#include "rules/load_rules.hpp"

namespace {

using namespace edugate::rules;

void exercise(const RuleSet& rules) {
  // Decisions on a few fixed requests must work on whatever was loaded.
  for (GroupId g = 0; g < rules.group_count() && g < 4; ++g) {
    RequestFacts f;
    f.group = g;
    f.host = "www.example.com";
    f.path = "/search";
    f.query = "q=co+bac";
    (void)decide(rules, f);
    f.host = "10.1.2.3";
    f.method = Method::connect;
    f.sni = "www.example.com";
    (void)decide(rules, f);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto split = input.find("\n===\n");
  std::map<std::string, std::string> files;
  files["/fuzz/department.yaml"] = std::string(input.substr(0, split));
  if (split != std::string_view::npos)
    files["/fuzz/school.yaml"] = std::string(input.substr(split + 5));
  files["/fuzz/lists/a.txt"] = "example.com\nexample.org\n";
  files["/fuzz/lists/sg/domains"] = "example.net\n";
  files["/fuzz/lists/sg/urls"] = "example.net/games\n";
  files["/fuzz/lists/sg/expressions"] = "casino[0-9]+\n";
  const load::MemoryFiles provider(std::move(files), "no such file");
  RulesSettings settings;
  settings.department = "/fuzz/department.yaml";
  if (split != std::string_view::npos) settings.school = "/fuzz/school.yaml";
  settings.regex_memory = 8 << 20;
  const LoadResult result = load_rules(settings, provider);
  if (result.rules) exercise(*result.rules);
  return 0;
}
