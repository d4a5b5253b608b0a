#pragma once

#include <string_view>

#include "rules/lists/list_sink.hpp"

namespace edugate::rules {

// One function per list format, each reading one line (without its line end) into the sink.
// Internal to rules/lists; read_list() drives them.

void read_domains_line(const ListLine& line, ListSink& sink);
void read_hosts_line(const ListLine& line, ListSink& sink);
void read_adguard_line(const ListLine& line, ListSink& sink);
void read_dnsmasq_line(const ListLine& line, ListSink& sink);
void read_squidguard_url_line(const ListLine& line, ListSink& sink);
void read_expression_line(const ListLine& line, ListSink& sink);

/// Blanks (space, tab, vertical tab, form feed) around list tokens.
inline bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

inline std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// Splits off the first blank-separated token of `s` (which must not start with a blank);
/// `rest` receives what follows, with leading blanks removed.
inline std::string_view first_token(std::string_view s, std::string_view& rest) {
  std::size_t end = 0;
  while (end < s.size() && !is_blank(s[end])) ++end;
  rest = trim_blanks(s.substr(end));
  return s.substr(0, end);
}

/// A list's domain written with a wildcard or leading dot ("*.a.com", ".a.com") means a.com:
/// the engine matches every sub-domain of an entry anyway.
inline std::string_view strip_wildcard(std::string_view domain) {
  if (domain.starts_with("*.")) return domain.substr(2);
  if (domain.starts_with('.') && domain.size() > 1) return domain.substr(1);
  return domain;
}

}  // namespace edugate::rules
