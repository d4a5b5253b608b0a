#pragma once

// A two-way byte relay between two streams of any kind (TLS on both sides of an inspected
// WebSocket). Included only by inspection .cpp files.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <chrono>
#include <span>

namespace edugate::proxy::inspect {

namespace relay_detail {

inline constexpr auto kTuple = boost::asio::as_tuple(boost::asio::use_awaitable);

/// How long the closing handshake (close_notify both ways) may take.
inline constexpr std::chrono::seconds kShutdown{2};

/// Shared by both directions: when either fails, both sockets close and the watchdog stops.
template <class A, class B>
struct RelayState {
  A& a;
  B& b;
  boost::asio::steady_timer watchdog;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  bool closing = false;  ///< one side ended in order: the other direction says goodbye
  bool stopped = false;

  void stop() {
    if (stopped) return;
    stopped = true;
    boost::system::error_code ignored;
    boost::beast::get_lowest_layer(a).socket().close(ignored);
    boost::beast::get_lowest_layer(b).socket().close(ignored);
    watchdog.cancel();
  }
};

/// An orderly close towards `s`: close_notify on a TLS stream, then the peer's (if it has not
/// come already), bounded by kShutdown. Nothing to say on a plain stream.
template <class Stream>
boost::asio::awaitable<void> say_goodbye(Stream& s) {
  if constexpr (requires { s.async_shutdown(kTuple); }) {
    boost::beast::get_lowest_layer(s).expires_after(kShutdown);
    co_await s.async_shutdown(kTuple);
  }
}

template <class From, class To, class State>
boost::asio::awaitable<void> copy(From& from, To& to, std::span<char> buf, State& state) {
  while (!state.stopped && !state.closing) {
    auto [rec, n] =
        co_await from.async_read_some(boost::asio::buffer(buf.data(), buf.size()), kTuple);
    if (rec == boost::asio::error::eof && !state.closing && !state.stopped) {
      // `from` ended in order (close_notify). TLS cannot be half-closed, and a stream may not
      // be shut down while the other direction still reads it: cancel that read, and the
      // other direction, once stopped, passes close_notify on to both sides.
      state.closing = true;
      boost::system::error_code ignored;
      boost::beast::get_lowest_layer(to).socket().cancel(ignored);
      co_return;
    }
    if (rec) break;
    state.last_activity = std::chrono::steady_clock::now();
    auto [wec, written] =
        co_await boost::asio::async_write(to, boost::asio::buffer(buf.data(), n), kTuple);
    if (wec) break;
  }
  if (state.closing && !state.stopped) {
    co_await say_goodbye(state.a);
    co_await say_goodbye(state.b);
  }
  state.stop();
}

template <class State>
boost::asio::awaitable<void> watch(State& state, std::chrono::milliseconds idle) {
  while (!state.stopped) {
    const auto deadline = state.last_activity + idle;
    if (std::chrono::steady_clock::now() >= deadline) break;
    state.watchdog.expires_at(deadline);
    co_await state.watchdog.async_wait(kTuple);
  }
  state.stop();
}

}  // namespace relay_detail

/// Copies bytes both ways between `a` and `b` until one side closes in order (then both get
/// close_notify), either fails, or nothing moved for `idle`; then closes both sockets. Never
/// throws; never buffers more than the two buffers.
template <class A, class B>
boost::asio::awaitable<void> relay_streams(A& a, B& b, std::span<char> buf_ab,
                                           std::span<char> buf_ba, std::chrono::milliseconds idle) {
  using namespace boost::asio::experimental::awaitable_operators;
  relay_detail::RelayState<A, B> state{a, b, boost::asio::steady_timer(a.get_executor())};
  co_await (relay_detail::copy(a, b, buf_ab, state) && relay_detail::copy(b, a, buf_ba, state) &&
            relay_detail::watch(state, idle));
}

}  // namespace edugate::proxy::inspect
