#include "rules/normalize/search_terms.hpp"

#include <array>
#include <boost/url/encoding_opts.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace edugate::rules {
namespace {

namespace urls = boost::urls;

/// Search-request parameters of one engine, most specific first; empty names end the list.
using ParamNames = std::array<std::string_view, 2>;

/// `host` without one of `prefixes` ("" included means "no prefix needed").
template <std::size_t N>
std::optional<std::string_view> strip_prefix(std::string_view host,
                                             const std::array<std::string_view, N>& prefixes) {
  for (std::string_view prefix : prefixes) {
    if (host.starts_with(prefix)) return host.substr(prefix.size());
  }
  return std::nullopt;
}

/// google.com, google.de, google.com.vn, google.co.uk (optionally with www. or m.).
bool is_google(std::string_view host) {
  const auto rest = strip_prefix(host, std::array<std::string_view, 3>{"www.", "m.", ""});
  if (!rest || !rest->starts_with("google.")) return false;
  const std::string_view tld = rest->substr(7);
  const std::size_t dot = tld.find('.');
  if (tld.empty() || dot == 0) return false;
  if (dot == std::string_view::npos) return true;
  const std::string_view second = tld.substr(0, dot);
  const std::string_view country = tld.substr(dot + 1);
  return (second == "com" || second == "co") && !country.empty() &&
         country.find('.') == std::string_view::npos;
}

bool is_one_of(std::string_view host, std::string_view base,
               const std::array<std::string_view, 4>& prefixes) {
  for (std::string_view prefix : prefixes) {
    if (host.size() == prefix.size() + base.size() && host.starts_with(prefix) &&
        host.ends_with(base)) {
      return true;
    }
  }
  return false;
}

bool is_yahoo_search(std::string_view host) {
  if (host == "search.yahoo.com") return true;
  // Regional front ends: vn.search.yahoo.com, uk.search.yahoo.com, ...
  return host.ends_with(".search.yahoo.com") &&
         host.find('.') == host.size() - std::string_view(".search.yahoo.com").size();
}

/// Which parameters carry the search text for this host and path; nullopt if not a search.
std::optional<ParamNames> search_params(std::string_view host, std::string_view path) {
  if (is_google(host)) {
    if (path == "/search" || path == "/complete/search") return ParamNames{"q", ""};
    return std::nullopt;
  }
  if (is_one_of(host, "bing.com", {"", "www.", "m.", "cn."})) {
    if (path == "/search" || path == "/images/search" || path == "/videos/search" ||
        path == "/news/search") {
      return ParamNames{"q", ""};
    }
    return std::nullopt;
  }
  if (is_one_of(host, "youtube.com", {"", "www.", "m.", "music."})) {
    if (path == "/results" || path == "/search") return ParamNames{"search_query", "q"};
    return std::nullopt;
  }
  if (host == "duckduckgo.com" || host == "www.duckduckgo.com") {
    if (path == "/") return ParamNames{"q", ""};
    return std::nullopt;
  }
  if (host == "html.duckduckgo.com" || host == "lite.duckduckgo.com") {
    if (path == "/html" || path == "/html/" || path == "/lite" || path == "/lite/") {
      return ParamNames{"q", ""};
    }
    return std::nullopt;
  }
  if (host == "coccoc.com" || host == "www.coccoc.com") {
    if (path == "/search" || path == "/search/") return ParamNames{"query", "q"};
    return std::nullopt;
  }
  if (is_yahoo_search(host)) {
    if (path == "/search" || path.starts_with("/search;")) return ParamNames{"p", ""};
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> first_value(const urls::params_view& params, std::string_view name) {
  for (const auto& param : params) {
    if (param.has_value && param.key == name && !param.value.empty()) return param.value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> extract_search_terms(std::string_view host, std::string_view path,
                                                std::string_view query) {
  const auto names = search_params(host, path);
  if (!names || query.empty()) return std::nullopt;
  if (!urls::parse_query(query)) return std::nullopt;  // params_view would throw on it
  urls::encoding_opts opts;
  opts.space_as_plus = true;
  const urls::params_view params(query, opts);
  for (std::string_view name : *names) {
    if (name.empty()) break;
    if (auto value = first_value(params, name)) return value;
  }
  return std::nullopt;
}

}  // namespace edugate::rules
