// libFuzzer target for the forward proxy's request-target parsers (proxy/http/request_target):
// the absolute-form target of a plain-HTTP request and the authority of a CONNECT. Besides "no
// crash, no UB", on every input:
//  - an accepted target is safe to write into the upstream request head (fuzz_checks.hpp);
//  - what edugate sends upstream means what it decided on: for an ASCII host, re-parsing
//    "http://" + authority + origin-form gives the same host, port and target (a parser
//    differential between edugate's own two readings is a filter bypass);
//  - an accepted CONNECT target has a host and a port, and re-parses to itself.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/http/request_target.hpp"
#include "tests/fuzz/proxy/fuzz_checks.hpp"

namespace {

using edugate::fuzz::require;

bool ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16 * 1024) return 0;
  const std::string_view target(reinterpret_cast<const char*>(data), size);
  const auto parsed = edugate::proxy::http::parse_absolute_target(target);
  if (const auto* t = std::get_if<edugate::proxy::http::ForwardTarget>(&parsed)) {
    edugate::fuzz::check_forward_target(*t);
    if (ascii(t->host)) {
      const auto again =
          edugate::proxy::http::parse_absolute_target("http://" + t->authority + t->origin_form);
      const auto* u = std::get_if<edugate::proxy::http::ForwardTarget>(&again);
      require(u != nullptr);
      require(u->host == t->host && u->port == t->port && u->origin_form == t->origin_form);
    }
  }
  if (const auto c = edugate::proxy::http::parse_connect_target(target)) {
    require(!c->host.empty() && c->port != 0);
    require(edugate::fuzz::header_safe(c->host));
    if (ascii(c->host)) {
      const bool v6 = c->host.find(':') != std::string::npos;
      const auto text = (v6 ? "[" + c->host + "]" : c->host) + ":" + std::to_string(c->port);
      const auto again = edugate::proxy::http::parse_connect_target(text);
      require(again && again->host == c->host && again->port == c->port);
    }
  }
  return 0;
}
