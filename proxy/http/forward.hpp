#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <string>

namespace edugate::proxy::http {

namespace bhttp = boost::beast::http;
using RequestParser = bhttp::request_parser<bhttp::buffer_body>;

/// Where a request goes upstream, already taken apart from its absolute-form target.
struct ForwardTarget {
  std::string host;  ///< lowercase name or IP literal (IPv6 without brackets)
  std::uint16_t port = 80;
  std::string origin_form;   ///< "/path?query" sent upstream
  std::string authority;     ///< Host header value sent upstream
  std::string connect_host;  ///< connect here instead of `host` when set (transparent mode)
};

enum class AfterExchange { keep_alive, close };

}  // namespace edugate::proxy::http
