#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "rules/lists/list_reader.hpp"
#include "rules/load/build_state.hpp"
#include "rules/load/url_entry.hpp"
#include "rules/normalize/text_fold.hpp"

namespace edugate::rules::load {

namespace {

using compiled::StoredRule;

/// Problems of one list file beyond this many are summed up in one warning.
constexpr std::size_t kMaxListWarnings = 20;

bool is_domain_format(ListFormat f) {
  return f == ListFormat::domains || f == ListFormat::hosts || f == ListFormat::adguard ||
         f == ListFormat::dnsmasq;
}

class EntryLoader {
 public:
  EntryLoader(BuildState& state, CategoryId id, CategoryInfo& info, const FileProvider& files)
      : s_(state), id_(id), info_(info), files_(files) {}

  void add(ListFormat format, std::string_view value, const Pos& at) {
    if (is_domain_format(format)) return domain(value, at);
    if (format == ListFormat::squidguard_urls) return url(value, at);
    regex(value, at);
  }

  /// An inline YAML entry goes through the same reader as a list-file line.
  void add_inline(ListFormat format, const Entry& e) {
    const ListReadResult r = read_list(format, e.text);
    for (const auto& p : r.problems) s_.error(e.pos, fmt::format("'{}': {}", e.text, p.message));
    if (r.problems.empty() && r.entries.empty())
      s_.error(e.pos, fmt::format("'{}' is not a {} entry", e.text, to_string(format)));
    for (const auto& entry : r.entries) add(format, entry.value, e.pos);
  }

  void keyword(const Entry& e) {
    const std::string folded = fold_for_matching(e.text);
    if (folded.empty() || folded.size() > compiled::NameTable::kMaxName) {
      s_.error(e.pos,
               fmt::format("keyword '{}' is empty or longer than 255 bytes once folded", e.text));
      return;
    }
    if (!keywords_seen_.insert(folded).second) return;  // duplicate within this category
    const RuleId rule = s_.add_rule(stored(RuleKind::keyword, e.pos, folded));
    s_.keywords.add(folded, rule);
    const auto words = static_cast<std::size_t>(std::count(folded.begin(), folded.end(), ' ')) + 1;
    s_.out->max_keyword_words = std::max(s_.out->max_keyword_words, words);
    ++info_.keywords;
  }

  void list(const ListRef& ref) {
    if (!ref.squidguard_directory) return file(ref.path, ref.format, ref.pos);
    const auto names = files_.list_directory(ref.path);
    if (!names) {
      s_.error(ref.pos,
               fmt::format("cannot read squidGuard directory '{}': not a directory", ref.path));
      return;
    }
    const std::pair<const char*, ListFormat> parts[] = {
        {"domains", ListFormat::domains},
        {"urls", ListFormat::squidguard_urls},
        {"expressions", ListFormat::squidguard_expressions}};
    bool any = false;
    for (const auto& [name, format] : parts) {
      if (std::find(names->begin(), names->end(), name) == names->end()) continue;
      any = true;
      file(ref.path + "/" + name, format, ref.pos);
    }
    if (!any)
      s_.error(ref.pos, fmt::format("squidGuard directory '{}' has none of the files domains, "
                                    "urls, expressions",
                                    ref.path));
  }

 private:
  void file(const std::string& path, ListFormat format, const Pos& at) {
    std::string why;
    ListReadResult r;
    {
      const auto bytes = files_.read(path, why);
      if (!bytes) {
        s_.error(at, fmt::format("cannot read list file '{}': {}", path, why));
        return;
      }
      r = read_list(format, *bytes);
    }
    const std::uint16_t source = s_.source(path);
    report_problems(r, source);
    if (is_domain_format(format)) s_.domains.reserve_more(r.entries.size());
    for (const auto& e : r.entries) add(format, e.value, Pos{source, e.line, 0});
  }

  void report_problems(const ListReadResult& r, std::uint16_t source) {
    for (std::size_t i = 0; i < r.problems.size() && i < kMaxListWarnings; ++i)
      s_.warning(Pos{source, r.problems[i].line, r.problems[i].column}, r.problems[i].message);
    if (r.problems.size() > kMaxListWarnings)
      s_.warning(Pos{source, 0, 0}, fmt::format("{} more unreadable lines skipped",
                                                r.problems.size() - kMaxListWarnings));
  }

  void domain(std::string_view value, const Pos& at) {
    if (value.size() > compiled::NameTable::kMaxName) return;  // cannot be a DNS name
    if (s_.domains.add(value, id_, at.source, at.line)) ++info_.domains;
  }

  void url(std::string_view value, const Pos& at) {
    const auto [host, path] = split_url_entry(value);
    if (host.empty() || host.size() > compiled::NameTable::kMaxName) return;
    if (!s_.url_prefixes.add(host, path, next_rule())) return;  // duplicate
    s_.add_rule(stored(RuleKind::url_prefix, at, value));
    ++info_.url_prefixes;
  }

  void regex(std::string_view pattern, const Pos& at) {
    if (const auto error = s_.regexes.add(id_, pattern, next_rule())) {
      s_.error(at, fmt::format("bad regular expression '{}': {}", pattern, *error));
      return;
    }
    s_.add_rule(stored(RuleKind::regex, at, pattern));
    ++info_.regexes;
  }

  RuleId next_rule() const { return static_cast<RuleId>(s_.out->rules.size()); }
  StoredRule stored(RuleKind kind, const Pos& at, std::string_view text) const {
    return {kind, id_, kAllGroups, at.source, at.line, at.column, std::string(text)};
  }

  BuildState& s_;
  CategoryId id_;
  CategoryInfo& info_;
  const FileProvider& files_;
  std::set<std::string> keywords_seen_;
};

}  // namespace

void load_category_entries(BuildState& state, const CategorySpec& spec, CategoryId id,
                           const FileProvider& files, CategoryInfo& info) {
  EntryLoader loader(state, id, info, files);
  for (const auto& e : spec.domains) loader.add_inline(ListFormat::domains, e);
  for (const auto& e : spec.urls) loader.add_inline(ListFormat::squidguard_urls, e);
  for (const auto& e : spec.regexes) loader.add(ListFormat::squidguard_expressions, e.text, e.pos);
  for (const auto& e : spec.keywords) loader.keyword(e);
  for (const auto& ref : spec.lists) loader.list(ref);
}

}  // namespace edugate::rules::load
