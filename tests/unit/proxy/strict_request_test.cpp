// The strict reader is the oracle of request_framing_fuzz and of the framing corpus: it must
// itself tell complete, malformed and unfinished requests apart, or the checks built on it
// could not fail.
#include "tests/fuzz/proxy/strict_request.hpp"

#include <gtest/gtest.h>

#include <string>

namespace edugate::fuzz {
namespace {

using Kind = StrictRequest::Kind;

std::string post(const std::string& framing, const std::string& body) {
  return "POST http://a.test/ HTTP/1.1\r\nHost: a.test\r\n" + framing + "\r\n" + body;
}

TEST(StrictRequest, ReadsOneRequestAndWhereItEnds) {
  const auto r = read_strict_request(post("Content-Length: 5\r\n", "helloGET / HTTP/1.1\r\n"));
  EXPECT_EQ(r.kind, Kind::complete);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.end, post("Content-Length: 5\r\n", "hello").size());
  const auto c = read_strict_request(
      post("Transfer-Encoding: chunked\r\n", "3;a=\"x\"\r\nhel\r\n2\r\nlo\r\n0\r\nT: v\r\n\r\n"));
  EXPECT_EQ(c.kind, Kind::complete);
  EXPECT_EQ(c.body, "hello");
  EXPECT_EQ(c.framing, StrictRequest::Framing::chunked);
  EXPECT_EQ(read_strict_request(post("Content-Length: 5, 5\r\n", "hello")).body, "hello");
  EXPECT_EQ(read_strict_request(post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n")).kind,
            Kind::complete);
}

TEST(StrictRequest, RefusesWhatCouldBeFramedTwoWays) {
  const std::string te = "Transfer-Encoding: chunked\r\n";
  for (const auto& bad : {
           post(te + "Content-Length: 5\r\n", "5\r\nhello\r\n0\r\n\r\n"),
           post("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"),
           post("Content-Length: 5, 6\r\n", "hello!"),
           post("Content-Length: +5\r\n", "hello"),
           post("Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
           post("Transfer-Encoding : chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
           post(te, "5\nhello\n0\n\n"),
           post(te, "5;a=\"x\r\nhello\r\n0\r\n\r\n"),
           post(te, "5 \r\nhello\r\n0\r\n\r\n"),
           post(te, "5\r\nhello\r\n0\r\nA: b\r\n c\r\n\r\n"),
           post("X: a\rb\r\n", ""),
           std::string("GET / HTTP/1.1\nHost: a\n\n"),
           std::string("GET / HTTP/1.0\r\n") + te + "\r\n0\r\n\r\n",
       })
    EXPECT_EQ(read_strict_request(bad).kind, Kind::invalid) << bad;
  EXPECT_EQ(read_strict_request(post("Transfer-Encoding:\r\n chunked\r\n", "0\r\n\r\n"),
                                /*no_obs_fold=*/true)
                .kind,
            Kind::invalid);
}

TEST(StrictRequest, KnowsAnUnfinishedRequest) {
  EXPECT_EQ(read_strict_request("POST http://a.test/ HTTP/1.1\r\nHost: a").kind, Kind::incomplete);
  EXPECT_EQ(read_strict_request(post("Content-Length: 5\r\n", "hell")).kind, Kind::incomplete);
  EXPECT_EQ(
      read_strict_request(post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r")).kind,
      Kind::incomplete);
}

}  // namespace
}  // namespace edugate::fuzz
