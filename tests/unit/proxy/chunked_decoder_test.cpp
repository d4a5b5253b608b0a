#include "proxy/http/chunked_decoder.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace edugate::proxy::http {
namespace {

using Status = ChunkedDecoder::Status;

struct Decoded {
  Status end = Status::need_more;  ///< done, error or need_more (ran out of input)
  std::string body;
  std::size_t consumed = 0;  ///< input bytes used when it ended
};

/// Feeds `in` in pieces of `piece` bytes (the way reads split it), as the relay does.
Decoded decode(const std::string& in, std::size_t piece = 1 << 20) {
  ChunkedDecoder d;
  Decoded out;
  std::string pending;
  std::size_t fed = 0;
  for (;;) {
    const auto step = d.next(pending);
    if (step.status == Status::data) out.body.append(step.data);
    pending.erase(0, step.consumed);
    out.consumed += step.consumed;
    if (step.status == Status::done || step.status == Status::error) {
      out.end = step.status;
      return out;
    }
    if (step.status == Status::data && !pending.empty()) continue;
    if (fed == in.size()) return out;
    const auto n = std::min(piece, in.size() - fed);
    pending.append(in, fed, n);
    fed += n;
  }
}

TEST(ChunkedDecoder, ReadsChunksWhateverTheReadsLookLike) {
  const std::string body = "3\r\nhel\r\n2;x=\"a;b\\\"\"\r\nlo\r\n0;y\r\nX-T: v\r\n\r\n";
  for (std::size_t piece : {1, 2, 3, 7, 1000}) {
    const auto d = decode(body + "GET /next", piece);
    EXPECT_EQ(d.end, Status::done) << piece;
    EXPECT_EQ(d.body, "hello") << piece;
    EXPECT_EQ(d.consumed, body.size()) << "bytes after the body belong to the next request";
  }
}

TEST(ChunkedDecoder, StopsAtTheFirstBadByte) {
  // Where each malformed body is refused: at once, not after waiting for more.
  const struct {
    const char* name;
    std::string in;
    std::size_t at;
  } cases[] = {
      {"bare LF after size", "5\nhello", 1},
      {"bare LF after data", "5\r\nhello\n", 8},
      {"bare CR", "5\rh", 2},
      {"quote never closes", "5;a=\"x\r\n", 6},
      {"space then CR", "5 \r\n", 2},
      {"empty size", "\r\n", 0},
      {"sign", "+5\r\n", 0},
      {"0x", "0x5\r\n", 1},
      {"data longer than size", "3\r\nhello\r\n", 6},
      {"obs-fold trailer", "0\r\nA: b\r\n c\r\n\r\n", 9},
      {"trailer without colon", "0\r\nAB\r\n", 5},
      {"final bare LF", "0\r\n\n", 3},
      {"NUL in value", std::string("0\r\nA: \0\r\n\r\n", 11), 6},
      {"DEL in extension", "5;a=\x7f\r\n", 4},
  };
  for (const auto& c : cases) {
    for (std::size_t piece : {1, 1000}) {
      const auto d = decode(c.in, piece);
      EXPECT_EQ(d.end, Status::error) << c.name;
      EXPECT_EQ(d.consumed, c.at) << c.name;
    }
  }
}

TEST(ChunkedDecoder, BoundsWhatAClientControls) {
  EXPECT_EQ(decode("5;" + std::string(5000, 'a') + "\r\n").end, Status::error);
  EXPECT_EQ(decode("5;" + std::string(4000, 'a') + "\r\nhello\r\n0\r\n\r\n").end, Status::done);
  EXPECT_EQ(decode("0\r\nA: " + std::string(17000, 'v') + "\r\n\r\n").end, Status::error);
  // A size past 64 bits is refused; a big one with leading zeros is not.
  EXPECT_EQ(decode("10000000000000000\r\n").end, Status::error);
  EXPECT_EQ(decode("ffffffffffffffffff\r\n").end, Status::error);
  const auto big = decode("000000000000000000000fffffffffffffff\r\nab");
  EXPECT_EQ(big.end, Status::need_more);
  EXPECT_EQ(big.body, "ab");
}

TEST(ChunkedDecoder, NeedsMoreUntilTheLastCrlf) {
  EXPECT_EQ(decode("5\r\nhello\r\n0\r\n").end, Status::need_more);
  EXPECT_EQ(decode("5\r\nhello\r\n0\r\n\r").end, Status::need_more);
  EXPECT_EQ(decode("5\r\nhello\r\n0\r\n\r\n").end, Status::done);
  EXPECT_EQ(decode("0\r\n\r\n").body, "");
}

}  // namespace
}  // namespace edugate::proxy::http
