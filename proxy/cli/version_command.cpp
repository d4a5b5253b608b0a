#include <fmt/format.h>
#include <openssl/crypto.h>

#include <boost/version.hpp>

#include "proxy/cli/commands.hpp"

namespace edugate::cli {

void add_version_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the edugate version and library versions");
  cmd->callback([] {
    fmt::print("edugate {}\nboost {}.{}.{}\n{}\n", EDUGATE_VERSION, BOOST_VERSION / 100000,
               BOOST_VERSION / 100 % 1000, BOOST_VERSION % 100, OpenSSL_version(OPENSSL_VERSION));
  });
}

}  // namespace edugate::cli
