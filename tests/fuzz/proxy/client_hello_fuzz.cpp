// libFuzzer target for the ClientHello parser. Besides "no crash, no UB", it checks the
// parser's contract on every input:
//  - consumed_hint never exceeds the input;
//  - a complete parse is stable: parsing just the consumed bytes gives the same result, and
//    every shorter prefix of those bytes is need_more or an early verdict, never complete;
//  - a reported SNI is non-empty, lower-case host characters only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proxy/tls/client_hello.hpp"

namespace {

using edugate::proxy::tls::HelloParse;
using edugate::proxy::tls::HelloStatus;
using edugate::proxy::tls::parse_client_hello;

void require(bool condition) {
  if (!condition) std::abort();
}

bool is_clean_host(const std::string& host) {
  if (host.empty()) return false;
  for (char c : host) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  // A small cap as well as the default, so that too_large paths are reached by small inputs.
  for (const std::size_t cap : {std::size_t{64 * 1024}, std::size_t{512}}) {
    const HelloParse r = parse_client_hello(input, cap);
    require(r.consumed_hint <= size);
    if (r.status != HelloStatus::complete) continue;
    require(!r.info.has_sni || is_clean_host(r.info.sni));
    require(r.info.has_sni || r.info.sni.empty());
    const HelloParse again = parse_client_hello(input.first(r.consumed_hint), cap);
    require(again.status == HelloStatus::complete && again.info.sni == r.info.sni &&
            again.info.alpn == r.info.alpn && again.consumed_hint == r.consumed_hint);
    require(parse_client_hello(input.first(r.consumed_hint - 1), cap).status !=
            HelloStatus::complete);
  }
  return 0;
}
