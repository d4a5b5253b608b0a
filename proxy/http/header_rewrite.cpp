#include "proxy/http/header_rewrite.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/container/small_vector.hpp>
#include <iterator>
#include <string>

namespace edugate::proxy::http {

namespace {

using boost::beast::iequals;

bool list_has_token(std::string_view value, std::string_view token) {
  for (auto t : bhttp::token_list{value})
    if (iequals(t, token)) return true;
  return false;
}

}  // namespace

bool is_websocket_upgrade(const bhttp::fields& f) {
  const auto connection = f[bhttp::field::connection];
  if (!list_has_token(connection, "upgrade")) return false;
  return list_has_token(f[bhttp::field::upgrade], "websocket");
}

namespace {

/// Hop-by-hop by definition (RFC 9110 7.6.1), plus what must never leave the school.
bool always_dropped(const bhttp::fields::value_type& field) {
  switch (field.name()) {
    case bhttp::field::keep_alive:
    case bhttp::field::proxy_connection:
    case bhttp::field::proxy_authorization:
    case bhttp::field::proxy_authenticate:
    case bhttp::field::te:
    case bhttp::field::trailer:
    case bhttp::field::forwarded:
      return true;
    case bhttp::field::unknown:
      return iequals(field.name_string(), "X-Forwarded-For");
    default:
      return false;
  }
}

/// The names a Connection header lists: views into its values, which stay valid until the
/// Connection fields themselves go (last).
using ConnectionNames = boost::container::small_vector<std::string_view, 8>;

ConnectionNames connection_names(const bhttp::fields& f) {
  ConnectionNames names;
  for (auto [it, end] = f.equal_range(bhttp::field::connection); it != end; ++it)
    for (auto t : bhttp::token_list{it->value()}) names.emplace_back(t.data(), t.size());
  return names;
}

bool listed(const ConnectionNames& names, std::string_view name) {
  return std::any_of(names.begin(), names.end(),
                     [&](std::string_view n) { return iequals(n, name); });
}

/// What frames the message and names its target: never removed because Connection lists it
/// (`Connection: Content-Length` would otherwise send a body without its length: smuggling).
bool framing(bhttp::field name) {
  return name == bhttp::field::content_length || name == bhttp::field::transfer_encoding ||
         name == bhttp::field::host;
}

}  // namespace

void strip_hop_by_hop(bhttp::fields& f, bool keep_websocket_upgrade) {
  const bool websocket = keep_websocket_upgrade && is_websocket_upgrade(f);
  const auto named = connection_names(f);
  // One pass over the fields: a lookup per dropped name would walk the whole set each time.
  for (auto it = f.begin(); it != f.end();) {
    const auto name = it->name();
    bool drop = always_dropped(*it);
    if (name == bhttp::field::upgrade) {
      drop = !websocket;
    } else if (!drop && !named.empty() && name != bhttp::field::connection && !framing(name)) {
      drop = listed(named, it->name_string());
    }
    it = drop ? f.erase(it) : std::next(it);
  }
  f.erase(bhttp::field::connection);
  if (websocket) f.set(bhttp::field::connection, "Upgrade");
}

void add_via(bhttp::fields& f, unsigned version, std::string_view pseudonym) {
  std::string entry = std::to_string(version / 10) + "." + std::to_string(version % 10) + " ";
  entry += pseudonym;
  const auto existing = f[bhttp::field::via];
  if (existing.empty()) {
    f.set(bhttp::field::via, entry);
  } else {
    std::string joined(existing);
    joined += ", ";
    joined += entry;
    f.set(bhttp::field::via, joined);
  }
}

bool transfer_encoding_is_chunked(const bhttp::fields& f) {
  const auto range = f.equal_range(bhttp::field::transfer_encoding);
  if (range.first == range.second || std::next(range.first) != range.second) return false;
  auto v = range.first->value();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return iequals(v, "chunked");
}

bool via_names(const bhttp::fields& f, std::string_view pseudonym) {
  for (auto [it, end] = f.equal_range(bhttp::field::via); it != end; ++it) {
    // Via = #( received-protocol RWS received-by [ RWS comment ] ): split on commas.
    std::string_view rest = it->value();
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      auto item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
      const auto space = item.find(' ');
      if (space == std::string_view::npos) continue;
      auto by = item.substr(space + 1);
      by = by.substr(0, by.find_first_of(" \t("));
      if (iequals(by, pseudonym)) return true;
    }
  }
  return false;
}

}  // namespace edugate::proxy::http
