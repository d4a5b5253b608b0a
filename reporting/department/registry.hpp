#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rules/diagnostic.hpp"

namespace edugate::reporting::department {

/// One school of the department's registry.
struct RegisteredSchool {
  std::string id;        ///< the school_id its appliance reports under (reporting.school_id)
  std::string name;      ///< UTF-8, as the department writes it
  std::string district;  ///< quận/huyện
  std::vector<std::string> levels;  ///< age bands taught: mam-non, tieu-hoc, thcs, thpt
  std::string public_key;           ///< base64 of the raw Ed25519 key its reports are signed by
  std::string pull_url;             ///< optional: the school's report endpoint, for pulls
  std::string pull_token_file;      ///< optional, resolved against the CSV's directory
};

/// Reads the registry CSV (UTF-8, an Excel byte-order mark allowed, RFC 4180 quoting), header
/// `school_id,name,district,levels,public_key[,pull_url,pull_token_file]`. `levels` is a
/// `;`-separated list of age bands; `public_key` is the path of the school's `.pub` file
/// (relative to the CSV) or the base64 of its raw key. Every problem is a diagnostic at
/// `file:line:col`, and a registry with any error yields nullopt: a half-read registry would
/// drop schools from completeness. Reads key files; otherwise pure.
std::optional<std::vector<RegisteredSchool>> read_registry(const std::string& path,
                                                           rules::Diagnostics& diags);

/// The same from text already read; `base_dir` resolves relative key and token paths.
std::optional<std::vector<RegisteredSchool>> parse_registry(std::string_view text,
                                                            const std::string& file,
                                                            const std::string& base_dir,
                                                            rules::Diagnostics& diags);

}  // namespace edugate::reporting::department
