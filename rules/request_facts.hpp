#pragma once

#include <cstdint>
#include <string_view>

#include "rules/ids.hpp"

namespace edugate::rules {

enum class Method : std::uint8_t {
  get,
  head,
  post,
  put,
  delete_,
  options,
  patch,
  trace,
  connect,
  other
};
enum class Scheme : std::uint8_t { http, https, ws, wss };

/// The school's local wall-clock time, computed by the caller (rules/ never reads a clock).
struct LocalTime {
  std::int32_t day = 0;             ///< local calendar day, days since 1970-01-01
  std::uint16_t minute_of_day = 0;  ///< 0..1439
  std::uint8_t weekday = 0;         ///< 0 = Monday .. 6 = Sunday (ISO order)
};

/// What is known about one request, already normalised. Holds no client address: the caller maps
/// the address to `group` and drops it. Views point into storage owned by the caller and must
/// outlive the call to decide().
struct RequestFacts {
  GroupId group = 0;
  Method method = Method::get;
  Scheme scheme = Scheme::http;
  std::string_view host;  ///< normalised: lowercase, punycode, canonical IP literal, no dot at end
  std::uint16_t port = 80;
  std::string_view path;   ///< normalised path, starts with '/'; empty for CONNECT
  std::string_view query;  ///< raw query without '?', empty if none
  std::string_view sni;    ///< TLS server name from the ClientHello, empty if unknown
  LocalTime at;
};

}  // namespace edugate::rules
