#pragma once

// The test origin (origin/test_origin.cpp) as a child process of the test, plain or TLS.

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/ready_line.hpp"
#include "tests/integration/harness/test_pki.hpp"

namespace edugate::itest {

/// Path of the edugate_test_origin binary this test executable was built with.
std::string test_origin_binary();

class TestOrigin {
 public:
  /// A plain HTTP origin on 127.0.0.1 with a kernel-chosen port. Throws std::runtime_error
  /// (with the origin's stderr) if it does not print its port within 10 s.
  TestOrigin();
  /// A TLS origin presenting pki.server_cert (valid for localhost, origin.test, 127.0.0.1).
  explicit TestOrigin(const TestPki& pki);

  std::uint16_t port() const { return endpoint_.port; }
  bool tls() const { return tls_; }
  /// 127.0.0.1:<port>
  const Endpoint& endpoint() const { return endpoint_; }
  /// "http://127.0.0.1:<port><path>", https for a TLS origin. `path` starts with '/'.
  std::string url(std::string_view path) const;
  Process& process() { return *process_; }

 private:
  explicit TestOrigin(std::vector<std::string> argv, bool tls);

  bool tls_ = false;
  std::unique_ptr<Process> process_;
  Endpoint endpoint_;
};

}  // namespace edugate::itest
