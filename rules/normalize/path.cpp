#include <algorithm>

#include "rules/normalize/percent.hpp"
#include "rules/normalize/url.hpp"

namespace edugate::rules {
namespace {

/// RFC 3986 5.2.4 remove_dot_segments, for an input that starts with '/'.
std::string remove_dot_segments(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  auto drop_last_segment = [&out] {
    const std::size_t slash = out.rfind('/');
    out.resize(slash == std::string::npos ? 0 : slash);
  };
  while (!in.empty()) {
    if (in.starts_with("/./")) {
      in.remove_prefix(2);
    } else if (in == "/.") {
      in = "/";
    } else if (in.starts_with("/../")) {
      in.remove_prefix(3);
      drop_last_segment();
    } else if (in == "/..") {
      in = "/";
      drop_last_segment();
    } else {
      const std::size_t next = in.find('/', 1);
      const std::size_t len = next == std::string_view::npos ? in.size() : next;
      out.append(in.substr(0, len));
      in.remove_prefix(len);
    }
  }
  return out;
}

}  // namespace

std::string normalize_path(std::string_view path) {
  std::string slashed;
  slashed.reserve(path.size() + 1);
  if (path.empty() || (path.front() != '/' && path.front() != '\\')) slashed.push_back('/');
  slashed.append(path);
  std::replace(slashed.begin(), slashed.end(), '\\', '/');  // as browsers do for http(s)
  std::string escaped;
  normalize_component(slashed, EscapeCase::uppercase, escaped);
  // Web servers treat "//a///b" as "/a/b" (nginx's merge_slashes, Envoy's merge_slashes): so
  // must a URL rule, or a doubled slash walks past it. Then dot segments, as RFC 3986 says.
  escaped.erase(std::unique(escaped.begin(), escaped.end(),
                            [](char a, char b) { return a == '/' && b == '/'; }),
                escaped.end());
  std::string out = remove_dot_segments(escaped);
  if (out.empty()) out.push_back('/');
  return out;
}

}  // namespace edugate::rules
