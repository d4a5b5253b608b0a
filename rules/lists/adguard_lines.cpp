// Reader for AdGuard / Adblock Plus network rules: only "||domain^" block rules become entries.
#include <array>

#include "rules/lists/line_readers.hpp"

namespace edugate::rules {
namespace {

/// Modifiers that make "||a.com^$..." something other than "block a.com": exceptions, rewrites,
/// rules limited to some referring sites or clients.
bool changes_meaning(std::string_view option) {
  static constexpr std::array<std::string_view, 14> kOptions{
      "badfilter", "domain",        "denyallow",   "client",       "ctag", "dnsrewrite", "dnstype",
      "redirect",  "redirect-rule", "removeparam", "removeheader", "csp",  "replace",    "cookie"};
  if (option.starts_with('~')) option.remove_prefix(1);
  option = option.substr(0, option.find('='));
  for (std::string_view known : kOptions) {
    if (option == known) return true;
  }
  return false;
}

bool any_option_changes_meaning(std::string_view options) {
  while (!options.empty()) {
    const std::size_t comma = options.find(',');
    if (changes_meaning(options.substr(0, comma))) return true;
    if (comma == std::string_view::npos) break;
    options.remove_prefix(comma + 1);
  }
  return false;
}

bool is_cosmetic(std::string_view text) {
  if (text.find('#') == std::string_view::npos) return false;  // the common "||a.com^" line
  static constexpr std::array<std::string_view, 6> kMarkers{"##",  "#@#", "#?#",
                                                            "#$#", "#%#", "#@$#"};
  for (std::string_view marker : kMarkers) {
    if (text.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

bool is_comment(std::string_view text) {
  if (text.front() == '!') return true;
  if (text.front() == '[' && text.back() == ']') return true;  // "[Adblock Plus 2.0]"
  return text.front() == '#' && !is_cosmetic(text);            // hosts-style comment
}

/// Reads the part after "||": "domain", then optionally '^', '|', "$options", nothing else.
void read_domain_rule(const ListLine& line, std::string_view body, ListSink& sink) {
  const std::size_t end = body.find_first_of("^$|/:*?=&");
  std::string_view domain = body.substr(0, end);
  std::string_view tail = end == std::string_view::npos ? std::string_view() : body.substr(end);
  if (body.starts_with("*.")) {  // "||*.a.com^" is a.com and its sub-domains
    const std::size_t real_end = body.find_first_of("^$|/:?=&", 2);
    domain = body.substr(0, real_end);
    tail = real_end == std::string_view::npos ? std::string_view() : body.substr(real_end);
  }
  if (tail.starts_with('^')) tail.remove_prefix(1);
  if (tail.starts_with('|')) tail.remove_prefix(1);
  if (tail.starts_with('$')) {
    if (any_option_changes_meaning(tail.substr(1))) {
      sink.unsupported();
      return;
    }
    tail = {};
  }
  if (!tail.empty()) {  // a path, port or pattern: a URL rule, not a domain rule
    sink.unsupported();
    return;
  }
  if (domain.empty()) {
    sink.problem(line, body, "missing domain after '||'");
    return;
  }
  sink.add_host(line, strip_wildcard(domain));
}

}  // namespace

void read_adguard_line(const ListLine& line, ListSink& sink) {
  const std::string_view text = trim_blanks(line.text);
  if (text.empty()) return;
  if (is_comment(text)) {
    sink.comment();
  } else if (text.starts_with("@@") || is_cosmetic(text)) {
    sink.unsupported();
  } else if (text.starts_with("||")) {
    read_domain_rule(line, text.substr(2), sink);
  } else {
    sink.unsupported();  // substring, "|url", "/regex/" rules: URL filters, not domains
  }
}

}  // namespace edugate::rules
