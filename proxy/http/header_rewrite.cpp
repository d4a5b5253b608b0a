#include "proxy/http/header_rewrite.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include <string>
#include <vector>

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

void strip_hop_by_hop(bhttp::fields& f, bool keep_websocket_upgrade) {
  const bool websocket = keep_websocket_upgrade && is_websocket_upgrade(f);
  // Collect the names listed in Connection first: erasing while iterating the list would
  // invalidate the view it is parsed from.
  std::vector<std::string> named;
  for (auto [it, end] = f.equal_range(bhttp::field::connection); it != end; ++it)
    for (auto t : bhttp::token_list{it->value()}) named.emplace_back(t);
  for (const auto& name : named)
    if (!(websocket && iequals(name, "upgrade"))) f.erase(name);
  f.erase(bhttp::field::connection);
  f.erase(bhttp::field::keep_alive);
  f.erase(bhttp::field::proxy_connection);
  f.erase(bhttp::field::proxy_authorization);
  f.erase(bhttp::field::proxy_authenticate);
  f.erase(bhttp::field::te);
  f.erase(bhttp::field::trailer);
  f.erase("X-Forwarded-For");
  f.erase(bhttp::field::forwarded);
  if (websocket) {
    f.set(bhttp::field::connection, "Upgrade");
  } else {
    f.erase(bhttp::field::upgrade);
  }
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
