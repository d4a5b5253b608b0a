#include "tests/integration/harness/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <system_error>

extern char** environ;

namespace edugate::itest {
namespace {

constexpr std::size_t kMaxCaptured = std::size_t{64} << 20;
constexpr int kMaxFdToCloseByHand = 65536;

struct Pipe {
  int read = -1;
  int write = -1;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe2");
  return {fds[0], fds[1]};
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::string find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!dirs.empty()) {
    const std::size_t colon = dirs.find(':');
    std::string candidate = std::string(dirs.substr(0, colon)) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return name;  // execve fails with ENOENT and the caller hears about it
}

std::vector<std::string> merged_env(const std::vector<std::string>& extra) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& x) {
      return name_of(x) == name_of(entry);
    });
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

/// In the child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_child(const char* program, char** argv, char** envp, const char* cwd,
                             int devnull, Pipe out, Pipe err, Pipe status, pid_t parent) {
  auto fail = [&](int error) {
    (void)!::write(status.write, &error, sizeof error);
    ::_exit(127);
  };
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl took effect
  if (::dup2(devnull, 0) < 0 || ::dup2(out.write, 1) < 0 || ::dup2(err.write, 2) < 0 ||
      ::dup2(status.write, 3) < 0 || ::fcntl(3, F_SETFD, FD_CLOEXEC) < 0) {
    ::_exit(127);
  }
  status.write = 3;
  if (::close_range(4, ~0U, 0) != 0) {
    for (int fd = 4; fd < kMaxFdToCloseByHand; ++fd) ::close(fd);
  }
  if (cwd && ::chdir(cwd) != 0) fail(errno);
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGPIPE, SIG_DFL);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
  ::execve(program, argv, envp);
  fail(errno);
  ::_exit(127);
}

}  // namespace

Process::Process(ProcessOptions options) {
  if (options.argv.empty()) throw std::invalid_argument("Process: empty argv");
  const std::string program = find_program(options.argv[0]);
  std::vector<std::string> env = merged_env(options.env);
  std::vector<char*> argv = pointers(options.argv);
  std::vector<char*> envp = pointers(env);
  const std::string cwd = options.cwd.string();

  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) throw std::system_error(errno, std::generic_category(), "open /dev/null");
  Pipe out = make_pipe(), err = make_pipe(), status = make_pipe();
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ == 0) {
    exec_child(program.c_str(), argv.data(), envp.data(), cwd.empty() ? nullptr : cwd.c_str(),
               devnull, out, err, status, parent);
  }
  const int fork_errno = errno;
  close_fd(devnull);
  close_fd(out.write);
  close_fd(err.write);
  close_fd(status.write);
  int child_errno = 0;
  ssize_t n = -1;
  if (pid_ > 0) {
    do {
      n = ::read(status.read, &child_errno, sizeof child_errno);
    } while (n < 0 && errno == EINTR);
  }
  close_fd(status.read);
  if (pid_ < 0 || n > 0) {
    if (pid_ > 0) reap(true);
    close_fd(out.read);
    close_fd(err.read);
    close_fd(stop_fd_);
    throw std::system_error(pid_ < 0 ? fork_errno : child_errno, std::generic_category(),
                            "cannot start " + program);
  }
  reader_ = std::thread([this, o = out.read, e = err.read] { read_loop(o, e); });
}

Process::~Process() {
  kill();
  const std::uint64_t one = 1;
  (void)!::write(stop_fd_, &one, sizeof one);
  if (reader_.joinable()) reader_.join();
  close_fd(stop_fd_);
}

void Process::read_loop(int out_fd, int err_fd) {
  std::array<int*, 2> fds{&out_fd, &err_fd};
  std::array<char, 65536> chunk;
  while (out_fd >= 0 || err_fd >= 0) {  // ends at EOF on both, or when stop_fd_ fires
    std::array<pollfd, 3> polls{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {stop_fd_, POLLIN, 0}}};
    if (::poll(polls.data(), polls.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (polls[2].revents != 0) break;
    for (std::size_t i = 0; i < 2; ++i) {
      if (*fds[i] < 0 || polls[i].revents == 0) continue;
      const ssize_t n = ::read(*fds[i], chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      std::lock_guard lock(mutex_);
      Captured& c = captured(i == 0 ? Stream::out : Stream::err);
      if (n > 0) {
        const std::size_t room = kMaxCaptured - std::min(kMaxCaptured, c.text.size());
        c.text.append(chunk.data(), std::min(static_cast<std::size_t>(n), room));
      } else {
        close_fd(*fds[i]);
        c.closed = true;
      }
      changed_.notify_all();
    }
  }
  close_fd(out_fd);
  close_fd(err_fd);
  std::lock_guard lock(mutex_);
  out_.closed = err_.closed = true;
  changed_.notify_all();
}

std::optional<std::string> Process::wait_for(Stream stream, milliseconds timeout,
                                             const std::function<bool(std::string_view)>& match) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  const Captured& c = captured(stream);
  std::size_t scanned = 0;  // start of the first line not yet tested
  for (;;) {
    for (std::size_t nl; (nl = c.text.find('\n', scanned)) != std::string::npos;) {
      std::string_view line(c.text.data() + scanned, nl - scanned);
      if (line.ends_with('\r')) line.remove_suffix(1);
      scanned = nl + 1;
      if (match(line)) return std::string(line);
    }
    if (c.closed) {
      const std::string_view last(c.text.data() + scanned, c.text.size() - scanned);
      if (!last.empty() && match(last)) return std::string(last);
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    changed_.wait_until(lock, deadline);
  }
}

std::optional<std::string> Process::wait_for_line(Stream stream, const std::regex& pattern,
                                                  milliseconds timeout) {
  return wait_for(stream, timeout, [&](std::string_view line) {
    return std::regex_search(line.begin(), line.end(), pattern);
  });
}

std::optional<std::string> Process::wait_for_prefix(Stream stream, std::string_view prefix,
                                                    milliseconds timeout) {
  return wait_for(stream, timeout, [&](std::string_view line) { return line.starts_with(prefix); });
}

std::string Process::output(Stream stream) const {
  std::lock_guard lock(mutex_);
  return stream == Stream::out ? out_.text : err_.text;
}

bool Process::wait_for_eof(milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return out_.closed && err_.closed; });
}

bool Process::reap(bool block) {
  std::lock_guard lock(reap_mutex_);
  if (exit_code_) return true;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r != pid_) return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return true;
}

std::optional<int> Process::exit_code() {
  if (!reap(false)) return std::nullopt;
  std::lock_guard lock(reap_mutex_);
  return exit_code_;
}

std::optional<int> Process::wait(milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return exit_code();
}

int Process::terminate(milliseconds grace) {
  if (!reap(false)) {
    ::kill(pid_, SIGTERM);  // our own child, by pid; a zombie until reaped, so never reused
    if (!wait(grace)) return kill();
  }
  return *exit_code();
}

int Process::kill() {
  if (!reap(false)) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  return *exit_code();
}

}  // namespace edugate::itest
