// libFuzzer target for transparent mode's Host target (proxy/transparent/host_target): the bytes
// are a request head as a redirected client sends it, parsed by Beast as the session does; the
// original destination is 192.0.2.1:80. Besides "no crash, no UB", on every input an accepted
// target is safe to write into the upstream head (fuzz_checks.hpp), and an origin-form request
// without Host is decided on the destination's address.
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proxy/transparent/host_target.hpp"
#include "tests/fuzz/proxy/fuzz_checks.hpp"

namespace {

using edugate::fuzz::require;
namespace transparent = edugate::proxy::transparent;
namespace bhttp = boost::beast::http;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 32 * 1024) return 0;
  const auto parser = edugate::fuzz::parse_head(data, size);
  if (!parser) return 0;
  const auto& req = parser->get();
  auto range = req.equal_range(bhttp::field::host);
  std::optional<std::string_view> host;
  if (range.first != range.second) host = range.first->value();
  const boost::asio::ip::tcp::endpoint destination(boost::asio::ip::make_address_v4("192.0.2.1"),
                                                   80);
  const auto parsed = transparent::host_target({req.target(), host, req.version()}, destination);
  if (const auto* t = std::get_if<edugate::proxy::http::ForwardTarget>(&parsed)) {
    edugate::fuzz::check_forward_target(*t);
    // Without Host, an origin-form request is decided on the destination (an absolute-form
    // target names its own host).
    if (!host && req.target().starts_with("/")) require(t->host == "192.0.2.1");
  }
  return 0;
}
