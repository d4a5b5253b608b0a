// edugate_test_origin: the local HTTP/1.1 origin that integration tests put behind the proxy.
//
//   edugate_test_origin [--listen 127.0.0.1:0] [--tls --cert server.pem --key server.key]
//
// Prints exactly one line, "listening <port>", on stdout once it accepts connections, and runs
// until SIGTERM or SIGINT. Endpoints: see route.hpp. Single-threaded; all I/O is coroutines.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <charconv>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "tests/integration/origin/http_io.hpp"
#include "tests/integration/origin/session.hpp"

namespace {

namespace asio = boost::asio;
namespace itest = edugate::itest;
using tcp = asio::ip::tcp;

constexpr std::uint64_t kMaxConnections = 10'000'000;

struct Options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  bool tls = false;
  std::string cert;
  std::string key;
};

bool parse_listen(std::string_view text, Options& options) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  const std::string_view port = text.substr(colon + 1);
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), options.port);
  options.address = std::string(host);
  return ec == std::errc{} && end == port.data() + port.size();
}

std::optional<Options> parse_args(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--tls") {
      options.tls = true;
    } else if (arg == "--listen" && has_value) {
      if (!parse_listen(argv[++i], options)) return std::nullopt;
    } else if (arg == "--cert" && has_value) {
      options.cert = argv[++i];
    } else if (arg == "--key" && has_value) {
      options.key = argv[++i];
    } else {
      return std::nullopt;
    }
  }
  if (options.tls && (options.cert.empty() || options.key.empty())) return std::nullopt;
  return options;
}

std::optional<asio::ssl::context> make_tls(const Options& options) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(options.cert, ec);
  if (!ec) ctx.use_private_key_file(options.key, asio::ssl::context::pem, ec);
  if (ec) {
    std::fprintf(stderr, "edugate_test_origin: cannot load %s / %s: %s\n", options.cert.c_str(),
                 options.key.c_str(), ec.message().c_str());
    return std::nullopt;
  }
  return ctx;
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, asio::ssl::context* tls) {
  for (std::uint64_t conn_id = 1; conn_id <= kMaxConnections; ++conn_id) {
    auto [ec, socket] = co_await acceptor.async_accept(itest::kAwait);
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // e.g. EMFILE; the next accept may succeed
    asio::co_spawn(acceptor.get_executor(),
                   itest::serve_connection(std::move(socket), tls, conn_id), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_args(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: edugate_test_origin [--listen 127.0.0.1:0] [--tls --cert C --key K]\n");
    return 2;
  }
  std::optional<asio::ssl::context> tls;
  if (options->tls && !(tls = make_tls(*options))) return 1;

  asio::io_context ioc(1);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(options->address, ec);
  tcp::acceptor acceptor(ioc);
  const tcp::endpoint endpoint(address, options->port);
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "edugate_test_origin: cannot listen on %s:%u: %s\n",
                 options->address.c_str(), options->port, ec.message().c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
  std::fflush(stdout);

  asio::signal_set signals(ioc, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });
  asio::co_spawn(ioc, accept_loop(acceptor, tls ? &*tls : nullptr), asio::detached);
  ioc.run();
  return 0;
}
