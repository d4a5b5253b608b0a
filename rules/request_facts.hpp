#pragma once

#include <cstdint>
#include <span>
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

/// A teacher's override in force for one lesson (proxy/policy/overrides.hpp): `group` may open
/// `category` (a non-mandatory one), or `domain` and its subdomains when category is
/// kNoCategory. Resolved against the rule set by the caller; never lifts a mandatory category.
struct Grant {
  GroupId group = 0;
  CategoryId category = kNoCategory;
  std::string_view domain;  ///< normalised; used when category is kNoCategory
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
  std::span<const Grant> grants;  ///< the teachers' overrides in force now (usually none)
};

}  // namespace edugate::rules
