#include "proxy/server/transparent_session.hpp"

#include "proxy/server/client_session.hpp"
#include "proxy/server/session_support.hpp"

namespace edugate::proxy::server {

boost::asio::awaitable<void> serve_transparent(WorkerContext& w,
                                               boost::asio::ip::tcp::socket socket) {
  // Transparent listeners are accepted by the config parser but served by the forward session
  // until the transparent path lands; with no proxy configured in the browser, origin-form
  // requests are answered 400 there.
  co_await serve_client(w, std::move(socket));
}

}  // namespace edugate::proxy::server
