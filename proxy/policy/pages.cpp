#include "proxy/policy/pages.hpp"

#include <fstream>
#include <sstream>

#include "proxy/policy/builtin_pages.hpp"
#include "reporting/html_escape.hpp"

namespace edugate::proxy::policy {

PageTemplates builtin_pages() {
  return {std::string(kBuiltinBlockPage), std::string(kBuiltinWarnPage),
          std::string(kBuiltinReportPage)};
}

std::optional<PageTemplates> load_pages(const std::string& dir, rules::Diagnostics& diags) {
  PageTemplates out;
  bool ok = true;
  auto read = [&](const char* name, std::string& into) {
    const auto path = dir + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      diags.push_back({path, 0, 0, "cannot open page template"});
      ok = false;
      return;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    into = ss.str();
  };
  read("block.html", out.block);
  read("warn.html", out.warn);
  read("report.html", out.report);
  if (ok && out.report.find("{{token}}") == std::string::npos) {
    diags.push_back({dir + "/report.html", 0, 0,
                     "the report form needs <input type=\"hidden\" name=\"token\" "
                     "value=\"{{token}}\"> inside its <form> (anti-forgery token)"});
    ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

std::string render(std::string_view tmpl, std::span<const PageValue> values) {
  std::string out;
  out.reserve(tmpl.size() + 512);
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    const auto open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    const auto name = tmpl.substr(open + 2, close - open - 2);
    for (const auto& v : values) {
      if (v.name != name) continue;
      out += v.raw ? std::string(v.value) : reporting::html_escape(v.value);
      break;
    }
    pos = close + 2;
  }
  out.append(tmpl.substr(pos));
  return out;
}

}  // namespace edugate::proxy::policy
