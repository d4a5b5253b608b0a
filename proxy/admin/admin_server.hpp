#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/cidr.hpp"

namespace boost::asio::ssl {
class context;
}

namespace edugate::proxy::server {

/// What an admin route sees of a request: never the caller's address.
struct AdminRequest {
  std::string path;  ///< without the query
  std::string query;
  std::string authorization;  ///< the Authorization header, for the report endpoint
};

/// What an admin route answers.
struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  ///< extra ones (Retry-After, ...)
};

struct AdminOptions {
  std::string tls_cert;  ///< PEM; with tls_key the listener speaks HTTPS only
  std::string tls_key;
  std::vector<rules::Cidr> allowed_networks;  ///< anyone else is refused (403) and closed
  /// edugate's Via pseudonym: a request whose Via names it came through the proxy, and is
  /// refused (403) even if its connection looks like loopback.
  std::string via_pseudonym = "edugate";
};

/// The small HTTP(S) listener for operators and the department: /healthz, /metrics, the status
/// page, /proxy.pac, the report endpoint. Runs on the main thread's io_context; handlers run
/// there too. Callers outside `allowed_networks` (pupils, by default) are refused.
class AdminServer {
 public:
  using Handler = std::function<AdminResponse(const AdminRequest&)>;
  using PrefixHandler = Handler;

  explicit AdminServer(boost::asio::io_context& io);
  ~AdminServer();

  /// Registers `handler` for GET/HEAD on exactly `path`.
  void route(std::string path, Handler handler) { routes_[std::move(path)] = std::move(handler); }
  /// Registers `handler` for POST on exactly `path`: an operator's action (e.g. /reload), taken
  /// only from this machine (a loopback peer) and only with the header `X-Edugate-Action: <path
  /// without '/'>`, which no web page can make a browser send to another site (CSRF). No
  /// request body is accepted. Anything else gets 403.
  void route_post(std::string path, Handler handler) {
    post_routes_[std::move(path)] = std::move(handler);
  }
  /// Registers `handler` for GET/HEAD on every path starting with `prefix`.
  void route_prefix(std::string prefix, Handler handler) {
    prefixes_.emplace_back(std::move(prefix), std::move(handler));
  }
  /// Binds and starts accepting. Throws std::runtime_error when the TLS files cannot be loaded
  /// or boost::system::system_error when the bind fails.
  boost::asio::ip::tcp::endpoint start(const boost::asio::ip::tcp::endpoint& endpoint,
                                       AdminOptions options);
  void stop();

 private:
  AdminResponse dispatch(const AdminRequest& request) const;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);
  template <class Stream>
  boost::asio::awaitable<void> serve_http(Stream& stream, bool loopback_peer);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  std::vector<rules::Cidr> allowed_;
  std::string via_;
  std::size_t open_ = 0;  ///< connections being served (main thread only)
  std::map<std::string, Handler, std::less<>> routes_;
  std::map<std::string, Handler, std::less<>> post_routes_;
  std::vector<std::pair<std::string, Handler>> prefixes_;
};

}  // namespace edugate::proxy::server
