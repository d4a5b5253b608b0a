#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "rules/diagnostic.hpp"
#include "rules/load_rules.hpp"
#include "rules/request_facts.hpp"

namespace edugate::rules::testing {

/// A temporary directory that tests write rule files into; removed on destruction.
class TempTree {
 public:
  TempTree();
  ~TempTree();
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  /// Writes `content` to root/rel (creating directories) and returns the full path.
  std::string write(const std::string& rel, std::string_view content) const;
  std::string path(const std::string& rel) const { return root_ + "/" + rel; }
  const std::string& root() const { return root_; }

 private:
  std::string root_;
};

/// Loads root/department (file or directory) and, if given, root/school.
LoadResult load_tree(const TempTree& tree, const std::string& department = "department.yaml",
                     const std::optional<std::string>& school = std::nullopt);

/// Loads a rule set from the texts of a department file and a school file (written to a
/// temporary tree that is gone afterwards).
LoadResult load_yaml(std::string_view department, std::string_view school);

/// Every diagnostic formatted, one per line (for assertion messages).
std::string all(const Diagnostics& diags);

/// True when a diagnostic of `file` at line:column has a message containing `text`.
bool has_diagnostic(const Diagnostics& diags, const std::string& file, int line, int column,
                    std::string_view text);

/// Request facts for tests; the views point at the given strings.
RequestFacts http_facts(GroupId group, std::string_view host, std::string_view path = "/",
                        std::string_view query = "", LocalTime at = {});
RequestFacts connect_facts(GroupId group, std::string_view host, std::string_view sni,
                           LocalTime at = {});

/// LocalTime for weekday (0 = Monday) at hh:mm.
LocalTime at(int weekday, int hour, int minute);

}  // namespace edugate::rules::testing
