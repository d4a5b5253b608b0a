#include "proxy/http/head_bytes.hpp"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

namespace edugate::proxy::http {
namespace {

namespace bhttp = boost::beast::http;

/// What Beast's own serializer writes for the same head: the reference.
template <bool isRequest>
std::string beast_head(const bhttp::header<isRequest>& h) {
  std::ostringstream os;
  os << h;
  return os.str();
}

template <bool isRequest>
std::string ours(const bhttp::header<isRequest>& h) {
  std::string out;
  append_head(h, out);
  return out;
}

TEST(HeadBytes, RequestMatchesBeast) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/a/b?q=c%20d", 11};
  req.set(bhttp::field::host, "example.test:8080");
  req.set(bhttp::field::content_length, "5");
  req.set("X-Custom", "v1");
  req.insert("X-Custom", "v2");  // repeated fields stay separate, in order
  EXPECT_EQ(ours(req.base()), beast_head(req.base()));
  EXPECT_EQ(ours(req.base()),
            "POST /a/b?q=c%20d HTTP/1.1\r\nHost: example.test:8080\r\nContent-Length: 5\r\n"
            "X-Custom: v1\r\nX-Custom: v2\r\n\r\n");
}

TEST(HeadBytes, ExtensionMethodAndHttp10) {
  bhttp::request<bhttp::string_body> req;
  req.method_string("PURGE");
  req.target("/x");
  req.version(10);
  EXPECT_EQ(ours(req.base()), "PURGE /x HTTP/1.0\r\n\r\n");
  EXPECT_EQ(ours(req.base()), beast_head(req.base()));
}

TEST(HeadBytes, ResponseKeepsTheOriginsReasonPhrase) {
  bhttp::response<bhttp::string_body> res{bhttp::status::not_found, 11};
  res.reason("Nicht gefunden");
  res.set(bhttp::field::content_type, "text/plain");
  EXPECT_EQ(ours(res.base()), "HTTP/1.1 404 Nicht gefunden\r\nContent-Type: text/plain\r\n\r\n");
  EXPECT_EQ(ours(res.base()), beast_head(res.base()));
}

TEST(HeadBytes, ResponseWithoutReasonGetsTheStandardOne) {
  bhttp::response<bhttp::string_body> res{bhttp::status::no_content, 10};
  EXPECT_EQ(ours(res.base()), "HTTP/1.0 204 No Content\r\n\r\n");
  EXPECT_EQ(ours(res.base()), beast_head(res.base()));
  bhttp::response<bhttp::string_body> odd;
  odd.result(599);  // unknown to Beast: no standard reason
  EXPECT_EQ(ours(odd.base()), beast_head(odd.base()));
}

}  // namespace
}  // namespace edugate::proxy::http
