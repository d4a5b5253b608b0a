#include "tests/integration/harness/curl.hpp"

#include <strings.h>

#include <charconv>

namespace edugate::itest {
namespace {

constexpr milliseconds kKillGrace{5000};

/// Parses one header block at the start of `text`; returns the offset past its blank line.
std::size_t parse_block(std::string_view text, HttpReply& reply) {
  const std::size_t end = text.find("\r\n\r\n");
  const std::string_view block = text.substr(0, end);
  reply.headers.clear();
  reply.status = 0;
  std::size_t pos = 0;
  for (bool first = true; pos <= block.size(); first = false) {  // one line per turn
    const std::size_t eol = std::min(block.find("\r\n", pos), block.size());
    const std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 2;
    if (first) {
      const std::size_t sp = line.find(' ');
      if (sp != std::string_view::npos) {
        std::from_chars(line.data() + sp + 1, line.data() + line.size(), reply.status);
      }
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    reply.headers.emplace_back(line.substr(0, colon), value);
  }
  return end == std::string_view::npos ? text.size() : end + 4;
}

}  // namespace

CommandResult curl(std::vector<std::string> args, milliseconds timeout) {
  const auto seconds = static_cast<double>(timeout.count()) / 1000.0;
  std::vector<std::string> argv{"curl", "-sS", "--max-time", std::to_string(seconds)};
  argv.insert(argv.end(), std::make_move_iterator(args.begin()),
              std::make_move_iterator(args.end()));
  return run_command(std::move(argv), timeout + kKillGrace,
                     {"http_proxy=", "https_proxy=", "HTTPS_PROXY=", "all_proxy=", "ALL_PROXY=",
                      "no_proxy=", "NO_PROXY="});
}

HttpReply curl_http(std::vector<std::string> args, milliseconds timeout) {
  args.insert(args.begin(), "-i");
  HttpReply reply;
  reply.run = curl(std::move(args), timeout);
  std::string_view rest = reply.run.out;
  for (int blocks = 0; blocks < 8 && rest.starts_with("HTTP/"); ++blocks) {
    rest.remove_prefix(parse_block(rest, reply));
    const bool interim = reply.status < 200 || (reply.status < 300 && rest.starts_with("HTTP/"));
    if (!interim) break;
  }
  reply.body = std::string(rest);
  return reply;
}

std::optional<std::string> HttpReply::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && ::strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace edugate::itest
