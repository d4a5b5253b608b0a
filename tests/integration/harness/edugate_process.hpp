#pragma once

// The real edugate binary under test, started on a config the test writes, with the ports of
// its `:0` listeners read back from its ready line (see ready_line.hpp).

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/ready_line.hpp"
#include "tests/integration/harness/temp_dir.hpp"

namespace edugate::itest {

/// Path of the edugate binary this test executable was built with.
std::string edugate_binary();

struct EdugateOptions {
  std::string binary = edugate_binary();  ///< another program speaking the same protocol (tests)
  std::vector<std::string> extra_args;    ///< appended after `edugate run --config <file>`
  std::vector<std::string> env;           ///< "NAME=value" added to the environment
  milliseconds ready_timeout{15000};
};

class EdugateProcess {
 public:
  /// Writes `config_yaml` to <fresh temp dir>/edugate.yaml, runs `edugate run --config <that file>`
  /// (cwd: that dir) and waits for the ready line on stderr. Listeners should use port 0 (`address:
  /// 127.0.0.1:0`, `admin: {address: 127.0.0.1:0}`). Throws std::runtime_error, with edugate's
  /// stderr in the message, if edugate exits or stays silent past options.ready_timeout; the child
  /// is killed.
  explicit EdugateProcess(std::string_view config_yaml, EdugateOptions options = {});

  const ReadyLine& ready() const { return ready_; }
  /// The first proxy listener.
  const Endpoint& proxy() const { return ready_.proxies.front(); }
  /// The admin listener; throws std::logic_error when the ready line had none.
  const Endpoint& admin() const;
  Process& process() { return *process_; }
  /// Where the config lives; tests may put rule files next to it.
  const TempDir& dir() const { return dir_; }
  const std::filesystem::path& config_path() const { return config_path_; }
  /// edugate's stderr so far (its log).
  std::string log() const { return process_->output(Stream::err); }

 private:
  TempDir dir_;  // declared first: outlives the process that reads from it
  std::filesystem::path config_path_;
  std::unique_ptr<Process> process_;
  ReadyLine ready_;
};

}  // namespace edugate::itest
