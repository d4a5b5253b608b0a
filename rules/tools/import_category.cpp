#include "rules/tools/import_category.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "rules/lists/list_reader.hpp"
#include "rules/lists/squidguard_directory.hpp"

namespace edugate::rules::tools {

namespace {

/// Entries kept in order of first appearance, without duplicates.
class Collected {
 public:
  void add(const std::string& value) {
    if (seen_.insert(value).second) values_.push_back(value);
  }
  const std::vector<std::string>& values() const { return values_; }

 private:
  std::set<std::string> seen_;
  std::vector<std::string> values_;
};

struct Sink {
  static constexpr std::size_t kMaxWarnings = 20;  ///< per file; the rest are counted

  Collected domains, urls, regexes;
  Diagnostics& diags;

  void warn(Diagnostic d) {
    d.severity = Severity::warning;
    diags.push_back(std::move(d));
  }

  void take(ListFormat format, const std::string& path, const ListReadResult& r) {
    for (std::size_t i = 0; i < r.problems.size() && i < kMaxWarnings; ++i) {
      const ListProblem& p = r.problems[i];
      warn({path, static_cast<int>(p.line), static_cast<int>(p.column), p.message});
    }
    if (r.problems.size() > kMaxWarnings)
      warn({path, 0, 0,
            fmt::format("{} more unreadable lines skipped", r.problems.size() - kMaxWarnings)});
    Collected& into = format == ListFormat::squidguard_urls          ? urls
                      : format == ListFormat::squidguard_expressions ? regexes
                                                                     : domains;
    for (const auto& e : r.entries) into.add(e.value);
  }
};

void read_path(const ImportRequest& req, const std::string& path, Sink& sink) {
  std::string error;
  if (req.format == "squidguard") {
    const auto dir = read_squidguard_directory(path, &error);
    if (!dir) return sink.diags.push_back({path, 0, 0, error});
    if (dir->domains) sink.take(ListFormat::domains, path + "/domains", *dir->domains);
    if (dir->urls) sink.take(ListFormat::squidguard_urls, path + "/urls", *dir->urls);
    if (dir->expressions)
      sink.take(ListFormat::squidguard_expressions, path + "/expressions", *dir->expressions);
    return;
  }
  const auto format = parse_list_format(req.format);
  if (!format) return;
  const auto result = read_list_file(*format, path, &error);
  if (!result) return sink.diags.push_back({path, 0, 0, error});
  sink.take(*format, path, *result);
}

void emit_list(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  out << YAML::Key << key << YAML::Value << YAML::BeginSeq;
  for (const auto& v : values) out << YAML::SingleQuoted << v;
  out << YAML::EndSeq;
}

std::string emit(const ImportRequest& req, const Sink& sink) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "categories" << YAML::Value << YAML::BeginSeq;
  out << YAML::BeginMap << YAML::Key << "id" << YAML::Value << req.category;
  out << YAML::Key << "labels" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "vi" << YAML::Value << (req.label_vi.empty() ? req.category : req.label_vi);
  out << YAML::Key << "en" << YAML::Value << (req.label_en.empty() ? req.category : req.label_en);
  out << YAML::EndMap;
  if (req.mandatory) out << YAML::Key << "mandatory" << YAML::Value << true;
  emit_list(out, "domains", sink.domains.values());
  emit_list(out, "urls", sink.urls.values());
  emit_list(out, "regexes", sink.regexes.values());
  out << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  std::string sources;
  for (const auto& p : req.paths) sources += " " + p;
  return fmt::format("# Imported by: edugate import {}{} --category {}\n{}\n", req.format, sources,
                     req.category, out.c_str());
}

}  // namespace

ImportResult import_category(const ImportRequest& req) {
  ImportResult result;
  if (req.format != "squidguard" && !parse_list_format(req.format)) {
    result.diagnostics.push_back({req.format, 0, 0,
                                  "unknown format (domains, hosts, adguard, dnsmasq, urls, "
                                  "expressions, squidguard)"});
    return result;
  }
  Sink sink{{}, {}, {}, result.diagnostics};
  for (const auto& path : req.paths) read_path(req, path, sink);
  if (error_count(result.diagnostics) > 0) return result;
  result.domains = sink.domains.values().size();
  result.url_prefixes = sink.urls.values().size();
  result.regexes = sink.regexes.values().size();
  result.yaml = emit(req, sink);
  return result;
}

}  // namespace edugate::rules::tools
