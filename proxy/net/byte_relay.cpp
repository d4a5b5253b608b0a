#include "proxy/net/byte_relay.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace edugate::proxy::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> pump(tcp::socket& from, tcp::socket& to, std::span<char> buf,
                           Clock::time_point& last_activity, std::uint64_t& total) {
  for (;;) {
    auto [rec, n] = co_await from.async_read_some(asio::buffer(buf.data(), buf.size()), kTuple);
    if (rec) break;
    last_activity = Clock::now();
    auto [wec, written] = co_await asio::async_write(to, asio::buffer(buf.data(), n), kTuple);
    if (wec) break;
    total += written;
    last_activity = Clock::now();
  }
  // Pass the end on: the peer sees EOF but may still send the other way.
  boost::system::error_code ignored;
  to.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> watchdog(const Clock::time_point& last_activity,
                               std::chrono::milliseconds idle) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (;;) {
    const auto deadline = last_activity + idle;
    if (Clock::now() >= deadline) co_return;
    timer.expires_at(deadline);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) co_return;  // cancelled: the relay finished
  }
}

}  // namespace

asio::awaitable<RelayTotals> relay_bytes(tcp::socket& a, tcp::socket& b, std::span<char> buf_ab,
                                         std::span<char> buf_ba, std::chrono::milliseconds idle) {
  RelayTotals totals;
  auto last_activity = Clock::now();
  co_await ((pump(a, b, buf_ab, last_activity, totals.a_to_b) &&
             pump(b, a, buf_ba, last_activity, totals.b_to_a)) ||
            watchdog(last_activity, idle));
  co_return totals;
}

}  // namespace edugate::proxy::net
