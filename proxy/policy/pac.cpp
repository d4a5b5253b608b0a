#include "proxy/policy/pac.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "proxy/policy/builtin_pages.hpp"

namespace edugate::proxy::policy {

namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

}  // namespace

std::optional<std::string> build_pac(const PacConfig& pac, rules::Diagnostics& diags) {
  std::string tmpl(kBuiltinPacTemplate);
  if (!pac.template_file.empty()) {
    std::ifstream in(pac.template_file, std::ios::binary);
    if (!in) {
      diags.push_back({pac.template_file, 0, 0, "cannot open PAC template"});
      return std::nullopt;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    tmpl = ss.str();
  }
  std::string direct;
  for (const auto& d : pac.direct) {
    const auto bare = d.rfind("*.", 0) == 0 ? d.substr(2) : d;
    direct += fmt::format(
        "  if (host === \"{0}\" || dnsDomainIs(host, \".{0}\")) return \"DIRECT\";\n", bare);
  }
  return replace_all(replace_all(std::move(tmpl), "{{direct}}\n", direct), "{{proxy}}", pac.proxy);
}

}  // namespace edugate::proxy::policy
