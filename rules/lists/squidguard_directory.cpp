#include "rules/lists/squidguard_directory.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <system_error>

namespace edugate::rules {
namespace {

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

/// Reads DIR/name into `slot` when the file exists; false (with `*error`) when it cannot be read.
bool read_if_present(const std::string& dir, const char* name, ListFormat format,
                     std::optional<ListReadResult>& slot, std::string* error) {
  const std::string path = dir + "/" + name;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return true;
    return set_error(error,
                     path + ": " + std::error_code(errno, std::generic_category()).message());
  }
  slot = read_list_file(format, path, error);
  return slot.has_value();
}

}  // namespace

std::optional<CategoryDirectory> read_squidguard_directory(const std::string& dir,
                                                           std::string* error) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    set_error(error, dir + ": not a directory");
    return std::nullopt;
  }
  CategoryDirectory out;
  if (!read_if_present(dir, "domains", ListFormat::domains, out.domains, error) ||
      !read_if_present(dir, "urls", ListFormat::squidguard_urls, out.urls, error) ||
      !read_if_present(dir, "expressions", ListFormat::squidguard_expressions, out.expressions,
                       error)) {
    return std::nullopt;
  }
  if (!out.domains && !out.urls && !out.expressions) {
    set_error(error, dir + ": no domains, urls or expressions file");
    return std::nullopt;
  }
  return out;
}

}  // namespace edugate::rules
