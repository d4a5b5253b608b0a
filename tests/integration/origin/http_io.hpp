#pragma once

// The test origin's HTTP building blocks, generic over the stream (plain TCP or TLS). Bodies go
// through a fixed 64 KiB buffer in both directions; every read and write has a deadline.
// Each function returns false when the connection can no longer be used.

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "tests/integration/origin/pattern.hpp"
#include "tests/integration/origin/sha256.hpp"

namespace edugate::itest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

using RequestParser = http::request_parser<http::buffer_body>;
using ExtraFields = std::vector<std::pair<std::string, std::string>>;

inline constexpr auto kIoTimeout = std::chrono::seconds(30);
inline constexpr std::size_t kPiece = 64 * 1024;
inline constexpr std::uint64_t kMaxBody = std::uint64_t{16} << 30;  // 16 GiB
inline constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

/// What every response of one exchange needs to know about its request.
struct Exchange {
  unsigned version = 11;
  bool keep_alive = true;
  bool head = false;
  std::string target;
  std::uint64_t conn_id = 0;
};

template <class Stream>
void arm(Stream& stream, std::chrono::steady_clock::duration timeout = kIoTimeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
}

/// Fields on every response: which connection served it and the target as the origin saw it
/// (so a test can check that a proxy sent origin-form).
template <class Message>
void stamp(Message& res, const Exchange& ex, const ExtraFields& extra) {
  res.set(http::field::server, "edugate-test-origin");
  res.set("X-Conn-Id", std::to_string(ex.conn_id));
  res.set("X-Origin-Target", ex.target);
  for (const auto& [name, value] : extra) res.set(name, value);
  res.keep_alive(ex.keep_alive);
}

/// A whole small response. No body for 1xx/204/304; for HEAD the Content-Length it would have.
template <class Stream>
asio::awaitable<bool> send_text(Stream& stream, const Exchange& ex, unsigned status,
                                std::string body, const ExtraFields& extra = {}) {
  http::response<http::string_body> res;
  res.result(status);
  res.version(ex.version);
  const bool bodyless = status < 200 || status == 204 || status == 304;
  if (!bodyless) res.set(http::field::content_type, "text/plain");
  stamp(res, ex, extra);  // after the default Content-Type, so that `extra` can replace it
  if (!bodyless) {
    res.content_length(body.size());
    if (!ex.head) res.body() = std::move(body);
  }
  arm(stream);
  auto [ec, n] = co_await http::async_write(stream, res, kAwait);
  co_return !ec;
}

/// Sends `100 Continue` when the request asked for it, before its body is read.
template <class Stream>
asio::awaitable<bool> continue_if_expected(Stream& stream, RequestParser& parser) {
  const auto& req = parser.get();
  if (parser.is_done() || !beast::iequals(req[http::field::expect], "100-continue")) co_return true;
  http::response<http::empty_body> res{http::status::continue_, req.version()};
  arm(stream);
  auto [ec, n] = co_await http::async_write(stream, res, kAwait);
  co_return !ec;
}

/// Reads whatever body bytes are available into `piece`; nullopt when the connection failed.
template <class Stream>
asio::awaitable<std::optional<std::size_t>> read_piece(Stream& stream, beast::flat_buffer& buffer,
                                                       RequestParser& parser,
                                                       std::vector<char>& piece) {
  auto& body = parser.get().body();
  body.data = piece.data();
  body.size = piece.size();
  arm(stream);
  auto [ec, n] = co_await http::async_read_some(stream, buffer, parser, kAwait);
  if (ec == http::error::need_buffer) ec = {};
  if (ec) co_return std::nullopt;
  co_return piece.size() - body.size;
}

/// Reads the rest of the request body, hashing it when `hash` is given. Returns its length.
template <class Stream>
asio::awaitable<std::optional<std::uint64_t>> consume_body(Stream& stream,
                                                           beast::flat_buffer& buffer,
                                                           RequestParser& parser, Sha256* hash) {
  if (!co_await continue_if_expected(stream, parser)) co_return std::nullopt;
  std::vector<char> piece(kPiece);
  std::uint64_t total = 0;
  while (!parser.is_done()) {  // each turn moves bytes or fails on its deadline
    const auto n = co_await read_piece(stream, buffer, parser, piece);
    if (!n) co_return std::nullopt;
    if (hash) hash->update(std::span<const char>(piece.data(), *n));
    total += *n;
  }
  co_return total;
}

/// Streams `size` pattern bytes (Content-Length, or chunked when asked and HTTP/1.1).
template <class Stream>
asio::awaitable<bool> send_pattern(Stream& stream, const Exchange& ex, std::uint64_t size,
                                   bool chunked) {
  http::response<http::buffer_body> res{http::status::ok, ex.version};
  stamp(res, ex, {});
  res.set(http::field::content_type, "application/octet-stream");
  if (chunked && ex.version >= 11) {
    res.chunked(true);
  } else {
    res.content_length(size);
  }
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> sr{res};
  arm(stream);
  auto [ec, n] = co_await http::async_write_header(stream, sr, kAwait);
  if (ec || ex.head) co_return !ec;
  std::vector<char> piece(kPiece);
  for (std::uint64_t sent = 0; sent < size;) {
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, size - sent));
    fill_pattern(piece.data(), k, sent);
    res.body().data = piece.data();
    res.body().size = k;
    arm(stream);
    std::tie(ec, n) = co_await http::async_write(stream, sr, kAwait);
    if (ec && ec != http::error::need_buffer) co_return false;
    sent += k;
  }
  res.body().data = nullptr;
  res.body().more = false;
  arm(stream);
  std::tie(ec, n) = co_await http::async_write(stream, sr, kAwait);
  co_return !ec;
}

/// Streams the request body back as it arrives: chunked when the request was chunked, else with
/// the request's Content-Length. Needs a client that reads while it sends (curl does).
template <class Stream>
asio::awaitable<bool> echo_body(Stream& stream, beast::flat_buffer& buffer, RequestParser& parser,
                                const Exchange& ex) {
  if (!co_await continue_if_expected(stream, parser)) co_return false;
  http::response<http::buffer_body> res{http::status::ok, ex.version};
  stamp(res, ex, {});
  res.set(http::field::content_type, "application/octet-stream");
  if (parser.get().chunked()) {
    res.chunked(true);
  } else {
    res.content_length(parser.content_length().value_or(0));
  }
  res.body().data = nullptr;
  res.body().more = true;
  http::response_serializer<http::buffer_body> sr{res};
  arm(stream);
  auto [ec, n] = co_await http::async_write_header(stream, sr, kAwait);
  if (ec) co_return false;
  std::vector<char> piece(kPiece);
  while (!parser.is_done()) {  // each turn moves bytes or fails on its deadline
    const auto got = co_await read_piece(stream, buffer, parser, piece);
    if (!got) co_return false;
    if (*got == 0) continue;
    res.body().data = piece.data();
    res.body().size = *got;
    arm(stream);
    std::tie(ec, n) = co_await http::async_write(stream, sr, kAwait);
    if (ec && ec != http::error::need_buffer) co_return false;
  }
  res.body().data = nullptr;
  res.body().more = false;
  arm(stream);
  std::tie(ec, n) = co_await http::async_write(stream, sr, kAwait);
  co_return !ec;
}

}  // namespace edugate::itest
