// libFuzzer target for a request read inside an inspected TLS tunnel (proxy/inspect/
// inner_request): the bytes are a request head, parsed by Beast as the session does, then
// checked (http::check_request_head) and taken apart (inner_target) for a tunnel named tunnel.test.
// Besides "no crash, no UB", on every input an accepted target is safe to write into the
// upstream head (fuzz_checks.hpp), keeps the tunnel's port and upstream, and names the Host
// header's host (or the tunnel's name when there is none).
#include <boost/asio/buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "proxy/http/request_checks.hpp"
#include "proxy/inspect/inner_request.hpp"
#include "tests/fuzz/proxy/fuzz_checks.hpp"

namespace {

using edugate::fuzz::require;
namespace inspect = edugate::proxy::inspect;
namespace bhttp = boost::beast::http;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 32 * 1024) return 0;
  const auto parser = edugate::fuzz::parse_head(data, size);
  if (!parser) return 0;
  const auto& req = parser->get();
  if (edugate::proxy::http::check_request_head(*parser, {8 * 1024, 16 * 1024, 100}, "edugate"))
    return 0;
  std::optional<std::string_view> host;
  if (const auto it = req.find(bhttp::field::host); it != req.end()) host = it->value();
  const inspect::TunnelName tunnel{"tunnel.test", 8443, "upstream.test"};
  const auto parsed = inspect::inner_target(req.target(), host, tunnel);
  if (const auto* t = std::get_if<edugate::proxy::http::ForwardTarget>(&parsed)) {
    edugate::fuzz::check_forward_target(*t);
    require(t->port == 8443 && t->connect_host == "upstream.test");
    require(t->origin_form == req.target());
    if (!host) require(t->host == "tunnel.test");
  }
  return 0;
}
