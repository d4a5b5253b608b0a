#include "rules/lists/list_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "rules/lists/line_readers.hpp"

namespace edugate::rules {
namespace {

using LineReader = void (*)(const ListLine&, ListSink&);

LineReader reader_for(ListFormat format) {
  switch (format) {
    case ListFormat::domains:
      return read_domains_line;
    case ListFormat::hosts:
      return read_hosts_line;
    case ListFormat::adguard:
      return read_adguard_line;
    case ListFormat::dnsmasq:
      return read_dnsmasq_line;
    case ListFormat::squidguard_urls:
      return read_squidguard_url_line;
    case ListFormat::squidguard_expressions:
      return read_expression_line;
  }
  return read_domains_line;
}

bool set_error(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
  return false;
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

/// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

bool read_whole_file(const std::string& path, std::string& out, std::string* error) {
  const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return set_error(error, "cannot open " + path + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return set_error(error, path + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) return set_error(error, path + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > kMaxListFileBytes) {
    return set_error(error,
                     path + ": larger than " + std::to_string(kMaxListFileBytes >> 20) + " MiB");
  }
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return set_error(error, "cannot read " + path + ": " + errno_text(errno));
    if (n == 0) break;  // the file shrank while we read it
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
  return true;
}

}  // namespace

ListReadResult read_list(ListFormat format, std::string_view text) {
  const std::size_t line_estimate =
      static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  ListSink sink(line_estimate);
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    sink.problem(ListLine{text.substr(0, 2), 1}, text.substr(0, 2),
                 "UTF-16 text is not supported: save the list as UTF-8");
    return sink.take();
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  const LineReader read_line = reader_for(format);
  std::uint32_t number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    read_line(ListLine{line, ++number}, sink);
  }
  return sink.take();
}

std::optional<ListReadResult> read_list_file(ListFormat format, const std::string& path,
                                             std::string* error) {
  std::string text;
  if (!read_whole_file(path, text, error)) return std::nullopt;
  return read_list(format, text);
}

}  // namespace edugate::rules
