#include "tests/integration/harness/test_origin_process.hpp"

#include <charconv>
#include <stdexcept>

#ifndef EDUGATE_TEST_ORIGIN_BINARY
#error "CMake passes EDUGATE_TEST_ORIGIN_BINARY, the path of edugate_test_origin"
#endif

namespace edugate::itest {
namespace {

constexpr milliseconds kStartTimeout{10000};
constexpr std::string_view kListening = "listening ";

}  // namespace

std::string test_origin_binary() { return EDUGATE_TEST_ORIGIN_BINARY; }

TestOrigin::TestOrigin() : TestOrigin({test_origin_binary(), "--listen", "127.0.0.1:0"}, false) {}

TestOrigin::TestOrigin(const TestPki& pki)
    : TestOrigin({test_origin_binary(), "--listen", "127.0.0.1:0", "--tls", "--cert",
                  pki.server_cert.string(), "--key", pki.server_key.string()},
                 true) {}

TestOrigin::TestOrigin(std::vector<std::string> argv, bool tls)
    : tls_(tls),
      process_(std::make_unique<Process>(
          ProcessOptions{.argv = std::move(argv), .env = {}, .cwd = {}})) {
  const auto line = process_->wait_for_prefix(Stream::out, kListening, kStartTimeout);
  unsigned port = 0;
  if (line) {
    const std::string_view digits = std::string_view(*line).substr(kListening.size());
    std::from_chars(digits.data(), digits.data() + digits.size(), port);
  }
  if (port == 0 || port > 65535) {
    process_->kill();
    throw std::runtime_error("edugate_test_origin did not start; stderr:\n" +
                             process_->output(Stream::err));
  }
  endpoint_ = Endpoint{"127.0.0.1", static_cast<std::uint16_t>(port)};
}

std::string TestOrigin::url(std::string_view path) const {
  return endpoint_.url(tls_ ? "https" : "http") + std::string(path);
}

}  // namespace edugate::itest
