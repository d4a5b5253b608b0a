// Readers for squidGuard/UT1 "urls" and "expressions" files.
#include <string>

#include "rules/lists/line_readers.hpp"
#include "rules/normalize/url.hpp"

namespace edugate::rules {
namespace {

/// squidGuard compares URLs without the scheme and without a leading "www.".
std::string url_prefix(const NormalizedUrl& url) {
  std::string_view host = url.host;
  if (host.starts_with("www.") && host.size() > 4) host.remove_prefix(4);
  std::string out;
  out.reserve(host.size() + url.path.size() + url.query.size() + 8);
  const bool ipv6 = host.find(':') != std::string_view::npos;
  if (ipv6) out.push_back('[');
  out.append(host);
  if (ipv6) out.push_back(']');
  if (url.port != default_port(url.scheme)) {
    out.push_back(':');
    out += std::to_string(url.port);
  }
  out += url.path;
  if (!url.query.empty()) {
    out.push_back('?');
    out += url.query;
  }
  return out;
}

}  // namespace

void read_squidguard_url_line(const ListLine& line, ListSink& sink) {
  const std::string_view text = trim_blanks(line.text);
  if (text.empty()) return;
  if (text.front() == '#') {
    sink.comment();
    return;
  }
  std::string_view rest;
  const std::string_view token = first_token(text, rest);
  if (!rest.empty() && rest.front() != '#') {
    sink.problem(line, rest, "unexpected text after the URL: " + quote_token(rest));
    return;
  }
  const UrlResult parsed = parse_and_normalize_url(token, kDefaultMaxUrlLength, true);
  if (!parsed) {
    sink.problem(line, token, std::string(to_string(parsed.error)) + " " + quote_token(token));
    return;
  }
  sink.add_value(line, url_prefix(*parsed.url));
}

void read_expression_line(const ListLine& line, ListSink& sink) {
  const std::string_view text = trim_blanks(line.text);
  if (text.empty()) return;
  if (text.front() == '#') {
    sink.comment();
    return;
  }
  sink.add_value(line, line.text);  // verbatim: the engine compiles and checks it
}

}  // namespace edugate::rules
