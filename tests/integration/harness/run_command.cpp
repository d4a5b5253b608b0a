#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {
namespace {

// A command that has exited has normally closed its pipes too; this only bounds the wait for
// an heir of its pipes (a daemonised grandchild) that keeps them open.
constexpr milliseconds kEofGrace{2000};

}  // namespace

CommandResult run_command(std::vector<std::string> argv, milliseconds timeout,
                          std::vector<std::string> env) {
  Process process(ProcessOptions{.argv = std::move(argv), .env = std::move(env), .cwd = {}});
  CommandResult result;
  if (const auto code = process.wait(timeout)) {
    result.exit_code = *code;
  } else {
    result.timed_out = true;
    result.exit_code = process.kill();
  }
  process.wait_for_eof(kEofGrace);
  result.out = process.output(Stream::out);
  result.err = process.output(Stream::err);
  return result;
}

}  // namespace edugate::itest
