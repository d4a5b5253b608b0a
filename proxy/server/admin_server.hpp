#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <map>
#include <string>

namespace edugate::proxy::server {

/// What an admin route answers.
struct AdminResponse {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

/// The small HTTP listener for operators (loopback by default): /healthz, /metrics and whatever
/// else is registered. Runs on the main thread's io_context; handlers run there too.
class AdminServer {
 public:
  using Handler = std::function<AdminResponse()>;

  explicit AdminServer(boost::asio::io_context& io) : io_(io), acceptor_(io) {}

  /// Registers `handler` for GET/HEAD on exactly `path`.
  void route(std::string path, Handler handler) { routes_[std::move(path)] = std::move(handler); }
  /// Binds and starts accepting. Throws boost::system::system_error when the bind fails.
  boost::asio::ip::tcp::endpoint start(const boost::asio::ip::tcp::endpoint& endpoint);
  void stop();

 private:
  AdminResponse dispatch(const std::string& path) const;
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> serve(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::map<std::string, Handler, std::less<>> routes_;
};

}  // namespace edugate::proxy::server
