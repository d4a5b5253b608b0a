#include "proxy/tls/client_hello.hpp"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

// Real ClientHellos come from OpenSSL at test time (a client SSL writing into a memory BIO);
// hand-made bytes only for what no real client sends.

namespace edugate::proxy::tls {
namespace {

using Bytes = std::vector<std::uint8_t>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;

constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kMaxRecord = 16384;

/// The first flight of an OpenSSL client: the ClientHello, framed in records as OpenSSL framed it.
/// An empty `sni` or `alpn` leaves that extension out.
Bytes openssl_client_hello(const std::string& sni, const std::vector<std::string>& alpn = {},
                           int max_version = TLS1_3_VERSION) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  EXPECT_TRUE(ctx);
  if (!ctx) return {};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx.get(), max_version);
  SslPtr ssl(SSL_new(ctx.get()), SSL_free);
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl.get(), BIO_new(BIO_s_mem()), out);  // ssl owns both
  SSL_set_connect_state(ssl.get());
  if (!sni.empty()) {
    EXPECT_EQ(SSL_set_tlsext_host_name(ssl.get(), sni.c_str()), 1);
  }
  if (!alpn.empty()) {
    Bytes wire;
    for (const auto& p : alpn) {
      wire.push_back(static_cast<std::uint8_t>(p.size()));
      wire.insert(wire.end(), p.begin(), p.end());
    }
    EXPECT_EQ(SSL_set_alpn_protos(ssl.get(), wire.data(), static_cast<unsigned>(wire.size())), 0);
  }
  const int rc = SSL_connect(ssl.get());
  EXPECT_EQ(SSL_get_error(ssl.get(), rc), SSL_ERROR_WANT_READ);
  char* data = nullptr;
  const long n = BIO_get_mem_data(out, &data);
  return Bytes(data, data + n);
}

Bytes default_hello() { return openssl_client_hello("www.example.com", {"h2", "http/1.1"}); }

/// Handshake bytes carried by `records` (all of them type 22).
Bytes handshake_of(const Bytes& records) {
  Bytes out;
  for (std::size_t pos = 0; pos + kRecordHeader <= records.size();) {
    const std::size_t n = (std::size_t{records[pos + 3]} << 8) | records[pos + 4];
    out.insert(out.end(), records.begin() + pos + kRecordHeader,
               records.begin() + pos + kRecordHeader + n);
    pos += kRecordHeader + n;
  }
  return out;
}

/// Frames `handshake` into records of the given payload sizes; whatever remains goes into
/// records of at most 16 KiB.
Bytes frame(const Bytes& handshake, std::vector<std::size_t> sizes = {}) {
  Bytes out;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < handshake.size(); ++i) {
    const std::size_t n =
        std::min(i < sizes.size() ? sizes[i] : kMaxRecord, handshake.size() - pos);
    out.insert(out.end(),
               {22, 3, 1, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    out.insert(out.end(), handshake.begin() + pos, handshake.begin() + pos + n);
    pos += n;
  }
  return out;
}

void put16(Bytes& b, std::size_t at, std::size_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

/// Offset of the extensions length field in a ClientHello handshake message.
std::size_t extensions_offset(const Bytes& hs) {
  std::size_t pos = 4 + 2 + 32;
  pos += 1 + hs[pos];
  pos += 2 + ((std::size_t{hs[pos]} << 8) | hs[pos + 1]);
  pos += 1 + hs[pos];
  return pos;
}

/// Appends one extension to a ClientHello handshake message and fixes both lengths.
Bytes with_extension(Bytes hs, std::uint16_t type, const Bytes& data) {
  const std::size_t ext = extensions_offset(hs);
  const std::size_t ext_len = (std::size_t{hs[ext]} << 8) | hs[ext + 1];
  hs.insert(hs.end(), {static_cast<std::uint8_t>(type >> 8), static_cast<std::uint8_t>(type)});
  hs.insert(hs.end(),
            {static_cast<std::uint8_t>(data.size() >> 8), static_cast<std::uint8_t>(data.size())});
  hs.insert(hs.end(), data.begin(), data.end());
  put16(hs, ext, ext_len + 4 + data.size());
  const std::size_t body = hs.size() - 4;
  hs[1] = static_cast<std::uint8_t>(body >> 16);
  put16(hs, 2, body);
  return hs;
}

std::size_t find(const Bytes& hay, std::string_view needle) {
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end());
  EXPECT_NE(it, hay.end()) << needle;
  return static_cast<std::size_t>(it - hay.begin());
}

HelloParse parse(const Bytes& b, std::size_t max = kDefaultMaxClientHello) {
  return parse_client_hello(std::span<const std::uint8_t>(b.data(), b.size()), max);
}
HelloParse parse(std::string_view s) {
  return parse_client_hello(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

void expect_default_info(const HelloParse& r) {
  ASSERT_EQ(r.status, HelloStatus::complete);
  EXPECT_TRUE(r.info.has_sni);
  EXPECT_EQ(r.info.sni, "www.example.com");
  EXPECT_EQ(r.info.alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(r.info.legacy_version, 0x0303);
}

TEST(ClientHello, Tls13WithSniAndAlpn) {
  const Bytes hello = default_hello();
  const HelloParse r = parse(hello);
  expect_default_info(r);
  EXPECT_EQ(r.consumed_hint, hello.size());
}

TEST(ClientHello, Tls12WithSniAndAlpn) {
  const Bytes hello = openssl_client_hello("www.example.com", {"h2", "http/1.1"}, TLS1_2_VERSION);
  expect_default_info(parse(hello));
}

TEST(ClientHello, WithoutSniOrAlpn) {
  for (int version : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    const HelloParse r = parse(openssl_client_hello("", {}, version));
    ASSERT_EQ(r.status, HelloStatus::complete);
    EXPECT_FALSE(r.info.has_sni);
    EXPECT_TRUE(r.info.sni.empty());
    EXPECT_TRUE(r.info.alpn.empty());
  }
}

TEST(ClientHello, SniIsLowercasedAndLosesTrailingDot) {
  HelloParse r = parse(openssl_client_hello("WWW.Example.COM"));
  ASSERT_EQ(r.status, HelloStatus::complete);
  EXPECT_EQ(r.info.sni, "www.example.com");
  r = parse(openssl_client_hello("xn--bcher-kva.example."));
  ASSERT_EQ(r.status, HelloStatus::complete);
  EXPECT_EQ(r.info.sni, "xn--bcher-kva.example");
}

TEST(ClientHello, EveryTruncationNeedsMore) {
  for (const Bytes& hello : {default_hello(), frame(handshake_of(default_hello()), {100})}) {
    for (std::size_t n = 0; n < hello.size(); ++n) {
      const HelloParse r = parse(Bytes(hello.begin(), hello.begin() + n));
      ASSERT_EQ(r.status, HelloStatus::need_more) << "prefix " << n;
      EXPECT_EQ(r.consumed_hint, n);
    }
    expect_default_info(parse(hello));
  }
}

TEST(ClientHello, SplitAcrossTwoRecordsAtAnyPoint) {
  const Bytes hs = handshake_of(default_hello());
  for (std::size_t first : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{4},
                            std::size_t{5}, std::size_t{43}, hs.size() / 2, hs.size() - 1}) {
    const Bytes records = frame(hs, {first});
    expect_default_info(parse(records));
    EXPECT_EQ(parse(records).consumed_hint, records.size()) << first;
  }
}

TEST(ClientHello, SmallRecordsAreReassembledButTheirNumberIsCapped) {
  const Bytes hs = handshake_of(default_hello());
  expect_default_info(parse(frame(hs, std::vector<std::size_t>(hs.size() / 16 + 1, 16))));
  // One byte per record: hundreds of records, only ever sent to make the proxy work harder.
  EXPECT_EQ(parse(frame(hs, std::vector<std::size_t>(hs.size(), 1))).status,
            HelloStatus::too_large);
}

TEST(ClientHello, BytesAfterTheHelloAreNotCounted) {
  Bytes hello = default_hello();
  const std::size_t size = hello.size();
  hello.insert(hello.end(), {20, 3, 3, 0, 1, 1});  // a change_cipher_spec record
  const HelloParse r = parse(hello);
  expect_default_info(r);
  EXPECT_EQ(r.consumed_hint, size);
}

TEST(ClientHello, LargeHelloSpanningRecords) {
  const Bytes hs = with_extension(handshake_of(default_hello()), 0xfafa, Bytes(40000, 0x5a));
  const Bytes records = frame(hs);
  expect_default_info(parse(records));
  for (std::size_t n : {std::size_t{9}, kMaxRecord, kMaxRecord + 7, records.size() - 1}) {
    EXPECT_EQ(parse(Bytes(records.begin(), records.begin() + n)).status, HelloStatus::need_more);
  }
}

TEST(ClientHello, OversizeIsTooLargeFromItsHeader) {
  const Bytes hs = with_extension(handshake_of(default_hello()), 0xfafa, Bytes(40000, 0));
  const Bytes records = frame(hs);
  constexpr std::size_t kCap = 32 * 1024;
  // The record and handshake headers (9 bytes) already say how long the message will be.
  EXPECT_EQ(parse(Bytes(records.begin(), records.begin() + 9), kCap).status,
            HelloStatus::too_large);
  EXPECT_EQ(parse(records, kCap).status, HelloStatus::too_large);
  expect_default_info(parse(records));
  EXPECT_EQ(parse(default_hello(), 100).status, HelloStatus::too_large);
  // A header announcing a 1 MiB ClientHello against the default 64 KiB cap.
  EXPECT_EQ(parse(Bytes{22, 3, 1, 0x40, 0, 1, 0x10, 0, 0}).status, HelloStatus::too_large);
}

TEST(ClientHello, NonTlsBytesAreNotTls) {
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status, HelloStatus::not_tls);
  EXPECT_EQ(parse("G").status, HelloStatus::not_tls);
  EXPECT_EQ(parse("CONNECT example.com:443 HTTP/1.1\r\n").status, HelloStatus::not_tls);
  EXPECT_EQ(parse(Bytes{}).status, HelloStatus::need_more);
  EXPECT_EQ(parse(Bytes{22}).status, HelloStatus::need_more);
  // SSLv2-compatible ClientHello: two-byte length with the top bit set, then type 1.
  EXPECT_EQ(parse(Bytes{0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15}).status, HelloStatus::not_tls);
  EXPECT_EQ(parse(Bytes{22, 2, 0}).status, HelloStatus::not_tls);        // SSL 2.0 record version
  EXPECT_EQ(parse(Bytes{22, 3, 9}).status, HelloStatus::not_tls);        // no such version
  EXPECT_EQ(parse(Bytes{23, 3, 3, 0, 5}).status, HelloStatus::not_tls);  // application data
  EXPECT_EQ(parse(Bytes{21, 3, 3, 0, 2, 2, 40}).status, HelloStatus::not_tls);  // alert
}

TEST(ClientHello, BrokenFramingIsMalformed) {
  const Bytes hs = handshake_of(default_hello());
  EXPECT_EQ(parse(Bytes{22, 3, 1, 0, 0}).status, HelloStatus::malformed);     // empty record
  EXPECT_EQ(parse(Bytes{22, 3, 1, 0x40, 1}).status, HelloStatus::malformed);  // > 16 KiB record
  Bytes server_hello = frame(hs);
  server_hello[kRecordHeader] = 2;
  EXPECT_EQ(parse(server_hello).status, HelloStatus::malformed);
  // A change_cipher_spec record in the middle of the hello.
  Bytes interleaved = frame(Bytes(hs.begin(), hs.begin() + 50));
  interleaved.insert(interleaved.end(), {20, 3, 3, 0, 1, 1});
  const Bytes rest = frame(Bytes(hs.begin() + 50, hs.end()));
  interleaved.insert(interleaved.end(), rest.begin(), rest.end());
  EXPECT_EQ(parse(interleaved).status, HelloStatus::malformed);
}

TEST(ClientHello, BrokenBodyIsMalformed) {
  const Bytes hs = handshake_of(default_hello());
  Bytes bad_version = hs;
  bad_version[4] = 2;
  EXPECT_EQ(parse(frame(bad_version)).status, HelloStatus::malformed);
  Bytes bad_ext_len = hs;
  put16(bad_ext_len, extensions_offset(hs), 3);
  EXPECT_EQ(parse(frame(bad_ext_len)).status, HelloStatus::malformed);
  // A second server_name extension.
  const Bytes sni = {0, 8, 0, 0, 5, 'a', '.', 'b', 'c', 'd'};
  EXPECT_EQ(parse(frame(with_extension(hs, 0, sni))).status, HelloStatus::malformed);
  // A truncated message whose header claims fewer bytes than the fields need.
  Bytes short_body(hs.begin(), hs.begin() + 40);
  short_body[1] = 0;
  put16(short_body, 2, short_body.size() - 4);
  EXPECT_EQ(parse(frame(short_body)).status, HelloStatus::malformed);
}

TEST(ClientHello, EmptyAlpnNameIsMalformed) {
  const Bytes hs = handshake_of(openssl_client_hello("example.com"));
  EXPECT_EQ(parse(frame(with_extension(hs, 16, {0, 3, 2, 'h', '2'}))).status,
            HelloStatus::complete);
  EXPECT_EQ(parse(frame(with_extension(hs, 16, {0, 4, 2, 'h', '2', 0}))).status,
            HelloStatus::malformed);
}

TEST(ClientHello, HelloWithoutExtensions) {
  Bytes hs(4 + 2 + 32 + 7, 0x11);  // header, version, random, then the fields below
  hs[0] = 1;
  hs[4] = 3;
  hs[5] = 1;
  const std::uint8_t tail[] = {0, 0, 2, 0, 0x2f, 1, 0};  // no session id, one suite, no compression
  std::copy(std::begin(tail), std::end(tail), hs.end() - 7);
  hs[1] = 0;
  put16(hs, 2, hs.size() - 4);
  const HelloParse r = parse(frame(hs));
  ASSERT_EQ(r.status, HelloStatus::complete);
  EXPECT_EQ(r.info.legacy_version, 0x0301);
  EXPECT_FALSE(r.info.has_sni);
}

TEST(ClientHello, SniWithBadBytesIsMalformed) {
  const Bytes hello = openssl_client_hello("www.example.com");
  const std::size_t at = find(hello, "example");
  for (std::uint8_t bad : {std::uint8_t{0}, std::uint8_t{' '}, std::uint8_t{'%'}, std::uint8_t{'/'},
                           std::uint8_t{0xc3}, std::uint8_t{'.'}}) {
    Bytes patched = hello;
    patched[at] = bad;  // "www.<bad>xample.com"; '.' makes an empty label
    EXPECT_EQ(parse(patched).status, HelloStatus::malformed) << int{bad};
  }
  EXPECT_EQ(parse(openssl_client_hello(std::string(64, 'a') + ".com")).status,
            HelloStatus::malformed);
  EXPECT_EQ(parse(openssl_client_hello(std::string(63, 'a') + ".com")).status,
            HelloStatus::complete);
}

TEST(ClientHello, EverySingleByteCorruptionIsHandled) {
  const Bytes hello = default_hello();
  for (std::size_t i = 0; i < hello.size(); ++i) {
    for (std::uint8_t value : {std::uint8_t{0}, std::uint8_t{0xff}}) {
      Bytes corrupt = hello;
      corrupt[i] = value;
      const HelloParse r = parse(corrupt);
      EXPECT_LE(r.consumed_hint, corrupt.size());
      if (r.status == HelloStatus::complete && r.info.has_sni) {
        EXPECT_FALSE(r.info.sni.empty());
      }
    }
  }
}

}  // namespace
}  // namespace edugate::proxy::tls
