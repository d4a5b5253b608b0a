#include "proxy/net/byte_relay.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/post.hpp>
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

/// A tunnel whose both ends stay ready never waits: after this many bytes in a row it lets the
/// rest of the worker (the other direction, other clients, the acceptor) run once.
constexpr std::uint64_t kBytesBeforeYield = 4 << 20;

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

enum class SpliceStep { moved, eof, again, failed };

SpliceStep splice_once(int from, int to, std::size_t max, std::size_t& moved) {
  const auto n = ::splice(from, nullptr, to, nullptr, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n > 0) {
    moved = static_cast<std::size_t>(n);
    return SpliceStep::moved;
  }
  if (n == 0) return SpliceStep::eof;
  if (errno == EAGAIN || errno == EINTR) return SpliceStep::again;
  return SpliceStep::failed;
}

/// Empties `pipe` into `to`, waiting for `to` to be writable as needed; false on failure.
asio::awaitable<bool> drain_pipe(Pipe& pipe, std::size_t pending, tcp::socket& to,
                                 Clock::time_point& last_activity, std::uint64_t& total) {
  while (pending > 0) {
    std::size_t moved = 0;
    switch (splice_once(pipe.read_end(), to.native_handle(), pending, moved)) {
      case SpliceStep::moved:
        pending -= moved;
        total += moved;
        last_activity = Clock::now();
        break;
      case SpliceStep::again: {
        auto [ec] = co_await to.async_wait(tcp::socket::wait_write, kTuple);
        if (ec) co_return false;
        break;
      }
      default:
        co_return false;
    }
  }
  co_return true;
}

enum class CopyStep { moved, nothing, closed };

/// One chunk the ordinary way, recv() into `buf` and a write: for when splice() cannot move
/// what is readable (no pipe to be had, or urgent data: splice() stops at the urgent mark and
/// keeps returning EAGAIN while the socket stays readable; recv() steps over it).
asio::awaitable<CopyStep> copy_chunk(tcp::socket& from, tcp::socket& to, std::span<char> buf,
                                     Clock::time_point& last_activity, std::uint64_t& total) {
  const auto n = ::recv(from.native_handle(), buf.data(), buf.size(), MSG_DONTWAIT);
  if (n == 0) co_return CopyStep::closed;
  if (n < 0) {
    if (errno != EAGAIN && errno != EINTR) co_return CopyStep::closed;
    // Nothing but an urgent byte may be left: drop it (TCP urgent data is obsolete, and it
    // would keep the socket readable for ever).
    char urgent;
    [[maybe_unused]] const auto dropped =
        ::recv(from.native_handle(), &urgent, 1, MSG_OOB | MSG_DONTWAIT);
    co_return CopyStep::nothing;
  }
  last_activity = Clock::now();
  auto [ec, written] =
      co_await asio::async_write(to, asio::buffer(buf.data(), static_cast<std::size_t>(n)), kTuple);
  if (ec) co_return CopyStep::closed;
  total += written;
  co_return CopyStep::moved;
}

/// One direction with splice: socket → pipe → socket, a pipe borrowed for each chunk.
asio::awaitable<void> splice_pump(tcp::socket& from, tcp::socket& to, PipePool& pipes,
                                  std::span<char> buf, Clock::time_point& last_activity,
                                  std::uint64_t& total) {
  boost::system::error_code ignored;
  from.native_non_blocking(true, ignored);
  to.native_non_blocking(true, ignored);
  // Splice first and wait for readability only when nothing was there: a busy tunnel moves
  // chunk after chunk without a trip through epoll.
  bool readable = false;  // a readiness wait just said so
  std::uint64_t since_yield = 0;
  for (bool open = true; open;) {
    if (since_yield >= kBytesBeforeYield) {
      co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
      since_yield = 0;
    }
    Pipe pipe = pipes.take();
    std::size_t moved = 0;
    const auto step =
        pipe.ok() ? splice_once(from.native_handle(), pipe.write_end(), pipe.capacity(), moved)
                  : SpliceStep::again;
    switch (step) {
      case SpliceStep::moved:
        last_activity = Clock::now();
        open = co_await drain_pipe(pipe, moved, to, last_activity, total);
        readable = false;
        since_yield += moved;
        break;
      case SpliceStep::again:
        if (!readable) {
          pipes.give_back(std::move(pipe));
          auto [ec] = co_await from.async_wait(tcp::socket::wait_read, kTuple);
          open = !ec;
          readable = true;
          since_yield = 0;
          continue;
        }
        // Readable, yet nothing spliced: copy instead (a spurious wake-up copies nothing).
        open = co_await copy_chunk(from, to, buf, last_activity, total) != CopyStep::closed;
        readable = false;
        break;
      default:
        open = false;  // EOF or an error
    }
    // Only an empty pipe goes back; one left holding bytes (a failed drain) is closed.
    if (open || step != SpliceStep::moved) pipes.give_back(std::move(pipe));
  }
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
                                         std::span<char> buf_ba, std::chrono::milliseconds idle,
                                         PipePool& pipes) {
  {
    Pipe probe = pipes.take();
    const bool can_splice = probe.ok();
    pipes.give_back(std::move(probe));
    if (!can_splice) co_return co_await relay_bytes(a, b, buf_ab, buf_ba, idle);
  }
  RelayTotals totals;
  auto last_activity = Clock::now();
  co_await ((splice_pump(a, b, pipes, buf_ab, last_activity, totals.a_to_b) &&
             splice_pump(b, a, pipes, buf_ba, last_activity, totals.b_to_a)) ||
            watchdog(last_activity, idle));
  co_return totals;
}

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
