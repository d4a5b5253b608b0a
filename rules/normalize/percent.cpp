#include "rules/normalize/percent.hpp"

#include <utility>

namespace edugate::rules {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decoded value of the escape starting at in[i] ('%'), or -1 if it is not a valid escape.
int escape_at(std::string_view in, std::size_t i) {
  if (i + 2 >= in.size()) return -1;
  const int hi = hex_value(in[i + 1]);
  const int lo = hex_value(in[i + 2]);
  if (hi < 0 || lo < 0) return -1;
  return hi * 16 + lo;
}

/// Octets that RFC 3986 allows nowhere in raw form, plus '[' ']' and '#' (only legal as
/// delimiters, which callers handle before they get here).
bool never_raw(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return true;
  switch (c) {
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
    case '[':
    case ']':
    case '#':
      return true;
    default:
      return false;
  }
}

void append_escape(unsigned char c, std::string& out) {
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 0xf]);
}

bool is_scheme_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (first) return alpha;
  return alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/// Length of "scheme:" at the start of `s` (including the ':'), 0 if there is none.
std::size_t scheme_length(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_scheme_char(s[i], i == 0)) ++i;
  return i > 0 && i < s.size() && s[i] == ':' ? i + 1 : 0;
}

bool is_slash(char c) { return c == '/' || c == '\\'; }

// hide_leading_digit: Boost.URL 1.81 reads the host "1.2.3.4.example.com" as the IPv4 address
// 1.2.3.4 followed by the path ".example.com/" (and "1.2.3.4x" as 1.2.3.4 + "x"). Escaping the
// first digit of the host ("%31.2.3.4...") makes it a reg-name, which is percent-decoded after
// parsing; normalize_host() then recognises real IPv4 literals itself.
bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void normalize_component(std::string_view in, EscapeCase escape_case, std::string& out) {
  out.reserve(out.size() + in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '%') {
      const int decoded = escape_at(in, i);
      if (decoded < 0) {
        out += "%25";
      } else if (is_unreserved(static_cast<char>(decoded))) {
        out.push_back(static_cast<char>(decoded));
        i += 2;
      } else if (escape_case == EscapeCase::uppercase) {
        append_escape(static_cast<unsigned char>(decoded), out);
        i += 2;
      } else {
        out.append(in.substr(i, 3));
        i += 2;
      }
    } else if (never_raw(c)) {
      append_escape(c, out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
}

std::string make_parseable(std::string_view url, UrlStart start) {
  enum class Part { authority, path, query, fragment };
  std::string out;
  out.reserve(url.size() + url.size() / 4 + 8);
  Part part = Part::path;
  std::size_t i = 0;
  if (start == UrlStart::scheme) {
    const std::size_t scheme = scheme_length(url);
    out.append(url.substr(0, scheme));
    i = scheme;
    if (starts_with_scheme_authority(url)) {
      out += "//";
      i += 2;
      part = Part::authority;
    }
  }
  bool host_start = part == Part::authority;
  for (; i < url.size(); ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    const bool before_query = part == Part::authority || part == Part::path;
    const bool at_host_start = std::exchange(host_start, false);
    if (part == Part::authority && c == '@') host_start = true;
    if (at_host_start && is_digit(c)) {
      append_escape(c, out);  // see hide_leading_digit()
    } else if (c == '\\' && before_query) {
      out.push_back('/');
      part = Part::path;
    } else if (c == '/' && part == Part::authority) {
      out.push_back('/');
      part = Part::path;
    } else if (c == '?' && before_query) {
      out.push_back('?');
      part = Part::query;
    } else if (c == '#' && part != Part::fragment) {
      out.push_back('#');
      part = Part::fragment;
    } else if (c == '%' && escape_at(url, i) < 0) {
      out += "%25";
    } else if ((c == '[' || c == ']') && part == Part::authority) {
      out.push_back(static_cast<char>(c));  // IPv6 literal brackets
    } else if (never_raw(c)) {
      append_escape(c, out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool starts_with_scheme_authority(std::string_view url) {
  const std::size_t scheme = scheme_length(url);
  return scheme > 0 && scheme + 1 < url.size() && is_slash(url[scheme]) &&
         is_slash(url[scheme + 1]);
}

std::string make_authority_parseable(std::string_view authority) {
  std::string out;
  out.reserve(authority.size() + 8);
  bool host_start = true;
  for (std::size_t i = 0; i < authority.size(); ++i) {
    const auto c = static_cast<unsigned char>(authority[i]);
    const bool at_host_start = std::exchange(host_start, c == '@');
    if (at_host_start && is_digit(c)) {
      append_escape(c, out);  // see hide_leading_digit()
    } else if (c == '%' && escape_at(authority, i) < 0) {
      out += "%25";
    } else if (c != '[' && c != ']' && never_raw(c)) {
      append_escape(c, out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const int decoded = in[i] == '%' ? escape_at(in, i) : -1;
    if (decoded >= 0) {
      out.push_back(static_cast<char>(decoded));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

}  // namespace edugate::rules
