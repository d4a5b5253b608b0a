#pragma once

// Runs a short-lived command (curl, openssl, ...) to completion with a time limit.

#include <string>
#include <vector>

#include "tests/integration/harness/process.hpp"

namespace edugate::itest {

struct CommandResult {
  int exit_code = -1;      ///< 128 + signal when a signal ended it (SIGKILL on timeout: 137)
  std::string out;         ///< everything it wrote to stdout
  std::string err;         ///< everything it wrote to stderr
  bool timed_out = false;  ///< it was killed because `timeout` passed
};

/// Runs `argv` (argv[0] found in $PATH when it has no '/') with stdin on /dev/null and waits up
/// to `timeout`; past that it is killed. `env` entries ("NAME=value") extend the environment.
/// Throws std::system_error only when the program cannot be started at all.
CommandResult run_command(std::vector<std::string> argv, milliseconds timeout,
                          std::vector<std::string> env = {});

}  // namespace edugate::itest
