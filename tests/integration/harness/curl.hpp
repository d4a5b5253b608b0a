#pragma once

// curl, the client the integration tests drive edugate with, plus a parse of its `-i` output.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/integration/harness/run_command.hpp"

namespace edugate::itest {

/// Runs `curl -sS --max-time <timeout> <args...>` with any ambient proxy variables cleared (so
/// only an explicit -x applies), killing it if it outlives the timeout by 5 s.
CommandResult curl(std::vector<std::string> args, milliseconds timeout = milliseconds(30000));

struct HttpReply {
  CommandResult run;  ///< the curl run itself (exit code, stderr)
  int status = 0;     ///< 0 when curl produced no response
  std::vector<std::pair<std::string, std::string>> headers;  ///< of the final response
  std::string body;

  /// The first value of header `name` (case-insensitive), if present.
  std::optional<std::string> header(std::string_view name) const;
};

/// curl with `-i` prepended: the final response split into status, headers and body. Interim
/// header blocks are skipped: 1xx (100 Continue), and a proxy's 2xx reply to CONNECT that is
/// followed by another status line. Use `-I` in `args` for HEAD.
HttpReply curl_http(std::vector<std::string> args, milliseconds timeout = milliseconds(30000));

}  // namespace edugate::itest
