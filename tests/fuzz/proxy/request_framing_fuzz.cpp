// libFuzzer target: a differential test of request framing. The bytes are what a client sends
// on one connection (the first byte sets how the socket splits them into reads). edugate's own
// path runs on them as a session does — Beast's async_read_header, the head checks
// (http::check_request_head), the absolute-form target, shape_request, and relay_message with
// its strict ChunkedDecoder — over in-memory streams, and what it forwards is compared with an
// independent strict reader (strict_request.hpp):
//  - whatever edugate forwards, the strict reader reads the client's bytes as the same single
//    request: same body, same end (what follows is left for the next request);
//  - what edugate forwards is itself one strict request (no obs-fold left), with that body and
//    nothing after it, framed by exactly one of Content-Length or chunked;
//  - once it has a head, edugate never waits for more body bytes when the strict reader says
//    the request is already malformed or already complete: it refuses (400) or forwards;
//  - what went upstream of a request it refused or is still waiting for is never a whole one;
//  - before that, it never waits for the end of a head that the strict reader finds complete.
//    (Waiting for the end of a head with a bad byte in it is allowed: Beast looks for the blank
//    line first, as Squid does; request_head and max_header_bytes bound the wait.)
// Refusing what the strict reader would accept is allowed (edugate's limits are tighter).
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proxy/http/body_relay.hpp"
#include "proxy/http/message_shape.hpp"
#include "proxy/http/request_checks.hpp"
#include "proxy/http/request_target.hpp"
#include "tests/fuzz/proxy/fuzz_checks.hpp"
#include "tests/fuzz/proxy/strict_request.hpp"

namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;
namespace http = edugate::proxy::http;
using edugate::fuzz::require;
using edugate::fuzz::StrictRequest;

/// A socket in memory: reads hand out `in` at most `piece` bytes at a time, then end of stream;
/// writes are collected. Deadlines are accepted and ignored (nothing here blocks).
class MemoryStream {
 public:
  using executor_type = asio::io_context::executor_type;
  MemoryStream(asio::io_context& io, std::string_view in, std::size_t piece)
      : io_(io), in_(in), piece_(piece) {}
  executor_type get_executor() noexcept { return io_.get_executor(); }
  void expires_after(std::chrono::steady_clock::duration) {}

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          boost::system::error_code ec;
          std::size_t n = 0;
          if (pos_ == in_.size()) {
            ec = asio::error::eof;
          } else {
            n = asio::buffer_copy(
                b, asio::buffer(in_.data() + pos_, std::min(piece_, in_.size() - pos_)));
            pos_ += n;
          }
          complete(std::move(handler), ec, n);
        },
        token, buffers);
  }
  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          std::size_t n = 0;
          for (auto it = asio::buffer_sequence_begin(b); it != asio::buffer_sequence_end(b); ++it) {
            const asio::const_buffer piece = *it;
            out_.append(static_cast<const char*>(piece.data()), piece.size());
            n += piece.size();
          }
          complete(std::move(handler), {}, n);
        },
        token, buffers);
  }
  std::size_t read() const { return pos_; }
  const std::string& written() const { return out_; }

 private:
  template <class Handler>
  void complete(Handler handler, boost::system::error_code ec, std::size_t n) {
    auto ex = asio::get_associated_executor(handler, io_.get_executor());
    asio::post(ex, [h = std::move(handler), ec, n]() mutable { std::move(h)(ec, n); });
  }
  asio::io_context& io_;
  std::string_view in_;
  std::size_t piece_;
  std::size_t pos_ = 0;
  std::string out_;
};

enum class Outcome { forwarded, refused, waits_for_head, waits_for_body, skipped };

struct Run {
  Outcome outcome = Outcome::skipped;
  std::size_t consumed = 0;  ///< client bytes the forwarded request took
  std::string forwarded;
};

bool is_eof(const boost::system::error_code& ec) {
  return ec == asio::error::eof || ec == bhttp::error::end_of_stream ||
         ec == bhttp::error::partial_message;
}

asio::awaitable<void> edugate_path(MemoryStream& client, MemoryStream& origin, Run& run) {
  constexpr auto kIdle = std::chrono::seconds(10);
  boost::beast::flat_buffer buffer;
  http::RequestParser parser;
  const http::HeadLimits limits;  // the shipped defaults
  parser.header_limit(limits.max_header + limits.max_url);
  parser.body_limit(boost::none);
  auto [ec, n] = co_await bhttp::async_read_header(client, buffer, parser,
                                                   asio::as_tuple(asio::use_awaitable));
  if (ec) {
    run.outcome = is_eof(ec) ? Outcome::waits_for_head : Outcome::refused;
    co_return;
  }
  if (parser.get().method() == bhttp::verb::connect) co_return;  // a tunnel, not a message
  if (http::check_request_head(parser, limits, "edugate")) {
    run.outcome = Outcome::refused;
    co_return;
  }
  const auto target = edugate::proxy::http::parse_absolute_target(parser.get().target());
  const auto* t = std::get_if<http::ForwardTarget>(&target);
  if (t == nullptr) {
    run.outcome = Outcome::refused;
    co_return;
  }
  http::exchange::shape_request(parser, *t, "edugate");
  std::vector<char> buf(16 * 1024);
  const auto sent = co_await http::relay_message<true>(client, buffer, parser, origin, buf, kIdle);
  if (sent.ok()) {
    run.outcome = Outcome::forwarded;
    run.consumed = client.read() - buffer.size();
    run.forwarded = origin.written();
  } else {
    run.outcome = is_eof(sent.read_error) ? Outcome::waits_for_body : Outcome::refused;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  const std::size_t piece = data[0] < 0x80 ? 1 + data[0] % 16 : 64 * 1024;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  static asio::io_context io;
  MemoryStream client(io, in, piece);
  MemoryStream origin(io, {}, 1);
  Run run;
  asio::co_spawn(io, edugate_path(client, origin, run), asio::detached);
  io.run();
  io.restart();

  const auto strict = edugate::fuzz::read_strict_request(in);
  switch (run.outcome) {
    case Outcome::forwarded: {
      require(strict.kind == StrictRequest::Kind::complete);
      require(strict.end == run.consumed);
      const auto sent = edugate::fuzz::read_strict_request(run.forwarded, /*no_obs_fold=*/true);
      require(sent.kind == StrictRequest::Kind::complete);
      require(sent.end == run.forwarded.size());
      require(sent.body == strict.body);
      require(sent.method == strict.method);
      if (!sent.body.empty()) require(sent.framing != StrictRequest::Framing::none);
      require(sent.framing_fields <= 1 && sent.framing_elements <= 1);
      break;
    }
    case Outcome::waits_for_head:
      require(strict.kind != StrictRequest::Kind::complete);
      break;
    case Outcome::waits_for_body:
      require(strict.kind == StrictRequest::Kind::incomplete);
      break;
    case Outcome::refused:
    case Outcome::skipped:
      break;
  }
  // Refused or unfinished, part of it may have gone upstream already (the head, some
  // chunks): never a whole request, which the origin would act on.
  if (run.outcome == Outcome::refused || run.outcome == Outcome::waits_for_body)
    require(edugate::fuzz::read_strict_request(origin.written(), true).kind !=
            StrictRequest::Kind::complete);
  return 0;
}
