#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "rules/diagnostic.hpp"

namespace edugate::proxy::policy {

/// The HTML templates of the pages edugate serves itself (etc/pages/*.html). Placeholders are
/// written {{name}}; see render().
struct PageTemplates {
  std::string block;  ///< block page: host, category_vi/en, reason_vi/en, review_url, school_name
  std::string warn;   ///< warn interstitial: host, category_vi/en, continue_url
  /// anonymous report form: action, domain, cat, token (must appear: the form's anti-forgery
  /// field), notice, harmful_checked, wrongly_checked
  std::string report;
};

/// The copies of etc/pages built into the binary (used when the config names no `pages`).
PageTemplates builtin_pages();

/// Reads block.html, warn.html and report.html from `dir`; each missing or unreadable file is a
/// diagnostic, and so is a report.html without {{token}} (no report could ever be accepted
/// from it); nullopt is returned then.
std::optional<PageTemplates> load_pages(const std::string& dir, rules::Diagnostics& diags);

struct PageValue {
  std::string_view name;
  std::string_view value;
  bool raw = false;  ///< inserted as HTML (only for fragments edugate builds itself)
};

/// Replaces each {{name}} with its value, HTML-escaped unless `raw`; unknown placeholders become
/// empty. Pure.
std::string render(std::string_view tmpl, std::span<const PageValue> values);

}  // namespace edugate::proxy::policy
