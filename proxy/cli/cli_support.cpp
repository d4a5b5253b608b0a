// Helpers every subcommand shares (declared in commands.hpp).
#include <fmt/format.h>

#include "proxy/cli/commands.hpp"
#include "rules/load/file_provider.hpp"

namespace edugate::cli {

void fail(const std::string& message) {
  fmt::print(stderr, "{}\n", message);
  throw CLI::RuntimeError(1);
}

std::string read_file_or_fail(const std::string& path) {
  std::string error;
  auto bytes = rules::load::DiskFiles().read(path, error);
  if (!bytes) fail(fmt::format("{}: cannot read: {}", path, error));
  return std::move(*bytes);
}

}  // namespace edugate::cli
