#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace edugate::proxy::client {

/// edugate's own HTTPS client, for the few times the appliance or the department's tools speak
/// to a server themselves: `edugate report fetch`, the department bundle updater (rules.update)
/// and the weekly report push. Never used for pupils' traffic (that is proxy/upstream).
///
/// The server is always verified: a trust store (the system's or a PEM bundle), the host name
/// checked against the certificate, TLS 1.2 at least.

/// A client TLS context that verifies servers against `ca_file` (PEM), or the system trust store
/// when it is empty. Nullopt with `error` set when the trust store cannot be read.
std::optional<boost::asio::ssl::context> make_client_tls(const std::string& ca_file,
                                                         std::string& error);

struct HttpsRequest {
  std::string method = "GET";
  std::string url;  ///< https://HOST[:PORT]/PATH[?QUERY]
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  ///< sent with Content-Length when non-empty or method is POST/PUT
  std::uint64_t max_body = 1 << 20;  ///< a longer response is cut off (error)
  /// The whole exchange: resolve, connect, handshake, request and response.
  std::chrono::milliseconds deadline{std::chrono::seconds(30)};
  std::string user_agent = "edugate";
};

struct HttpsResponse {
  std::string error;  ///< empty when a response arrived (whatever its status)
  unsigned status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  bool ok() const { return error.empty() && status == 200; }
  /// The error, or "HTTP <status>" for a non-200 answer.
  std::string problem() const;
};

/// One request on a fresh connection (no keep-alive, no redirects followed). Runs on the
/// caller's executor; never throws.
boost::asio::awaitable<HttpsResponse> https_request(boost::asio::ssl::context& tls,
                                                    HttpsRequest request);

/// Runs one request to completion on an io_context of its own (command-line tools).
HttpsResponse https_request_blocking(boost::asio::ssl::context& tls, HttpsRequest request);

}  // namespace edugate::proxy::client
