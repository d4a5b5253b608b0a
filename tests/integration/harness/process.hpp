#pragma once

// A child process for integration tests: fork/exec with its stdout and stderr captured on a
// background thread, lines awaited with a timeout, and the child always killed and reaped (by
// its pid) when the object goes away.

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace edugate::itest {

using std::chrono::milliseconds;

struct ProcessOptions {
  /// argv[0] is the program: a path, or a bare name looked up in $PATH (like execvp).
  std::vector<std::string> argv;
  /// "NAME=value" entries added to the test's own environment (replacing same-named ones).
  std::vector<std::string> env;
  /// Working directory of the child; empty keeps the test's.
  std::filesystem::path cwd;
};

enum class Stream { out, err };

class Process {
 public:
  /// Starts the child with stdin on /dev/null and no file descriptors but 0-2 inherited. It
  /// gets SIGKILL if the thread that started it dies (PR_SET_PDEATHSIG), so a crashed test run
  /// leaves nothing behind: start processes from the test's own thread.
  /// Throws std::system_error when the program cannot be started (not found, not executable).
  explicit Process(ProcessOptions options);
  /// Kills (SIGKILL) and reaps the child if it is still running, then stops the reader thread.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  /// Waits until a complete line of `stream` matches `pattern` (std::regex_search) and returns
  /// that line without its newline. Lines seen by earlier calls are searched again. Returns
  /// nullopt on timeout, or once the stream is closed without a match.
  std::optional<std::string> wait_for_line(Stream stream, const std::regex& pattern,
                                           milliseconds timeout);
  /// Same, for the first line that starts with `prefix`.
  std::optional<std::string> wait_for_prefix(Stream stream, std::string_view prefix,
                                             milliseconds timeout);
  /// Everything captured from `stream` so far (capped at 64 MiB; the rest is dropped).
  std::string output(Stream stream) const;
  /// Waits until both output pipes are closed (the child and any heirs of its pipes are gone).
  bool wait_for_eof(milliseconds timeout);

  /// The exit status if the child has ended (128 + signal number when a signal ended it), or
  /// nullopt while it runs. Never blocks.
  std::optional<int> exit_code();
  /// Waits up to `timeout` for the child to end; its exit code, or nullopt if it still runs.
  std::optional<int> wait(milliseconds timeout);
  /// SIGTERM, then SIGKILL if the child has not ended after `grace`. Returns the exit code.
  int terminate(milliseconds grace = milliseconds(5000));
  /// SIGKILL; returns the exit code once reaped.
  int kill();

 private:
  struct Captured {
    std::string text;
    bool closed = false;
  };

  void read_loop(int out_fd, int err_fd);
  std::optional<std::string> wait_for(Stream stream, milliseconds timeout,
                                      const std::function<bool(std::string_view)>& match);
  bool reap(bool block);
  Captured& captured(Stream s) { return s == Stream::out ? out_ : err_; }

  pid_t pid_ = -1;
  int stop_fd_ = -1;          // eventfd that wakes the reader thread for shutdown
  mutable std::mutex mutex_;  // guards out_ and err_
  std::condition_variable changed_;
  Captured out_;
  Captured err_;
  std::mutex reap_mutex_;  // guards exit_code_; never held while the reader needs mutex_
  std::optional<int> exit_code_;
  std::thread reader_;
};

}  // namespace edugate::itest
