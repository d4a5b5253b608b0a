#include "tests/integration/harness/edugate_process.hpp"

#include <stdexcept>

#ifndef EDUGATE_BINARY
#error "CMake passes EDUGATE_BINARY, the path of the edugate executable"
#endif

namespace edugate::itest {

std::string edugate_binary() { return EDUGATE_BINARY; }

EdugateProcess::EdugateProcess(std::string_view config_yaml, EdugateOptions options)
    : dir_("edugate-itest"), config_path_(dir_.write("edugate.yaml", config_yaml)) {
  std::vector<std::string> argv{options.binary, "run", "--config", config_path_.string()};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  process_ = std::make_unique<Process>(
      ProcessOptions{.argv = std::move(argv), .env = std::move(options.env), .cwd = dir_.path()});
  const auto ready_line = process_->wait_for_line(
      Stream::err, std::regex(std::string(kReadyMarker)), options.ready_timeout);
  std::optional<ReadyLine> ready;
  if (ready_line) ready = parse_ready_line(*ready_line);
  if (!ready) {
    // Closed pipes mean it is exiting; the exit status follows a moment later.
    const bool ending = process_->wait_for_eof(milliseconds(0));
    const auto exited = ending ? process_->wait(milliseconds(2000)) : process_->exit_code();
    process_->kill();
    const std::string why =
        ready_line ? "unparsable ready line \"" + *ready_line + "\""
        : exited   ? "it exited with code " + std::to_string(*exited)
                 : "no ready line within " + std::to_string(options.ready_timeout.count()) + " ms";
    throw std::runtime_error("edugate did not become ready: " + why + ". Its stderr:\n" + log());
  }
  ready_ = std::move(*ready);
}

const Endpoint& EdugateProcess::admin() const {
  if (!ready_.admin) throw std::logic_error("edugate reported no admin listener");
  return *ready_.admin;
}

}  // namespace edugate::itest
