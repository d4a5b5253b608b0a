#include "rules/normalize/url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace edugate::rules {
namespace {

struct UrlCase {
  const char* name;
  std::string input;
  std::string expected;  // to_string() of the result, or "error:<to_string(UrlError)>"
};

std::string outcome(const UrlResult& r) {
  if (r) return r.url->to_string();
  return "error:" + std::string(to_string(r.error));
}

std::string error_text(UrlError e) { return "error:" + std::string(to_string(e)); }

class NormalizeUrlTable : public ::testing::TestWithParam<UrlCase> {};

TEST_P(NormalizeUrlTable, MatchesExpectedForm) {
  const UrlCase& c = GetParam();
  const UrlResult r = parse_and_normalize_url(c.input);
  EXPECT_EQ(outcome(r), c.expected) << "input: " << c.input;
  if (r) {
    // Normalising the normalised form changes nothing.
    const UrlResult again = parse_and_normalize_url(r.url->to_string());
    ASSERT_TRUE(again) << r.url->to_string();
    EXPECT_EQ(*again.url, *r.url);
  }
}

const UrlCase kUrlCases[] = {
    {"plain", "http://example.com/", "http://example.com/"},
    {"empty_path_becomes_slash", "http://example.com", "http://example.com/"},
    {"uppercase_scheme_host_default_port", "HTTP://EXAMPLE.com:80/", "http://example.com/"},
    {"https_default_port", "https://example.com:443/a", "https://example.com/a"},
    {"https_other_port_kept", "https://example.com:8443/a", "https://example.com:8443/a"},
    {"http_port_443_kept", "http://example.com:443/", "http://example.com:443/"},
    {"ws_and_wss", "WSS://chat.example.com/socket", "wss://chat.example.com/socket"},
    {"dot_dot", "http://example.com/a/../blocked", "http://example.com/blocked"},
    {"dot_dot_above_root", "http://example.com/../../blocked", "http://example.com/blocked"},
    {"single_dot", "http://example.com/./", "http://example.com/"},
    {"inner_dot", "http://example.com/a/./b", "http://example.com/a/b"},
    {"trailing_dot_dot", "http://example.com/a/b/..", "http://example.com/a/"},
    {"encoded_dot_dot", "http://example.com/a/%2e%2E/blocked", "http://example.com/blocked"},
    {"double_slash_merged", "http://example.com//", "http://example.com/"},
    {"double_slash_inner_merged", "http://example.com/a//b", "http://example.com/a/b"},
    {"unreserved_escape_decoded", "http://example.com/%62locked", "http://example.com/blocked"},
    {"tilde_decoded", "http://example.com/%7Euser", "http://example.com/~user"},
    {"reserved_escape_uppercased", "http://example.com/a%2fb%3a", "http://example.com/a%2Fb%3A"},
    {"encoded_slash_not_a_separator", "http://example.com/a%2F..%2Fb",
     "http://example.com/a%2F..%2Fb"},
    {"utf8_path_escaped", "http://example.com/cờ", "http://example.com/c%E1%BB%9D"},
    {"space_escaped", "http://example.com/a b", "http://example.com/a%20b"},
    {"stray_percent_escaped", "http://example.com/100%", "http://example.com/100%25"},
    {"backslash_as_slash", "http://example.com/a\\..\\blocked", "http://example.com/blocked"},
    {"userinfo_dropped", "http://user:pw@host.example/", "http://host.example/"},
    {"fragment_dropped", "http://example.com/p#frag", "http://example.com/p"},
    {"query_kept", "http://example.com/s?q=a+b&x=%2f", "http://example.com/s?q=a+b&x=%2f"},
    {"query_unreserved_decoded", "http://example.com/s?q=%61%62", "http://example.com/s?q=ab"},
    {"query_pipe_and_brackets", "http://example.com/s?a[]=1|2",
     "http://example.com/s?a%5B%5D=1%7C2"},
    {"empty_query_dropped", "http://example.com/p?", "http://example.com/p"},
    {"idn_host", "http://Bộgiáodục.vn/tin-tức", "http://xn--bgiodc-rta7842dida.vn/tin-t%E1%BB%A9c"},
    {"idn_host_escaped", "http://b%C3%BCcher.de/", "http://xn--bcher-kva.de/"},
    {"escaped_ascii_host", "http://ex%61mple.com/", "http://example.com/"},
    {"ipv4_host", "http://192.168.0.1/", "http://192.168.0.1/"},
    {"ipv4_decimal_host", "http://3232235777/x", "http://192.168.1.1/x"},
    {"ipv4_hex_host", "http://0x7f.1:8080/", "http://127.0.0.1:8080/"},
    {"ipv6_host", "http://[2001:DB8:0:0:0:0:0:1]:8080/", "http://[2001:db8::1]:8080/"},
    {"ipv6_mapped_host", "http://[::FFFF:192.168.0.1]/", "http://[::ffff:192.168.0.1]/"},
    {"host_starting_with_ipv4", "http://1.2.3.4.example.com/x", "http://1.2.3.4.example.com/x"},
    {"host_starting_with_ipv4_userinfo", "http://u@10.0.0.1.nip.io/", "http://10.0.0.1.nip.io/"},
    {"host_ipv4_then_letters", "http://1.2.3.4x/", "http://1.2.3.4x/"},
    {"trailing_dot_host", "http://example.com./", "http://example.com/"},
    {"empty_port", "http://example.com:/", "http://example.com/"},
    {"bad_port_too_big", "http://example.com:70000/", error_text(UrlError::bad_port)},
    {"bad_port_zero", "http://example.com:0/", error_text(UrlError::bad_port)},
    {"bad_port_letters", "http://example.com:8o/", error_text(UrlError::bad_syntax)},
    {"bad_scheme_ftp", "ftp://example.com/", error_text(UrlError::bad_scheme)},
    {"bad_scheme_mailto", "mailto:a@example.com", error_text(UrlError::bad_scheme)},
    {"no_host", "http:///path", error_text(UrlError::bad_host)},
    {"no_authority", "http:/path", error_text(UrlError::bad_host)},
    {"bad_host_chars", "http://exa*mple.com/", error_text(UrlError::bad_host)},
    {"bad_host_space", "http://exa mple.com/", error_text(UrlError::bad_host)},
    {"bad_host_ipv4_range", "http://1.2.3.300/", error_text(UrlError::bad_host)},
    {"bad_ipv6", "http://[1:2:3]/", error_text(UrlError::bad_syntax)},
    {"relative_rejected", "/just/a/path", error_text(UrlError::bad_syntax)},
    {"schemeless_rejected_by_default", "example.com/path", error_text(UrlError::bad_syntax)},
    {"empty", "", error_text(UrlError::empty)},
};

INSTANTIATE_TEST_SUITE_P(Cases, NormalizeUrlTable, ::testing::ValuesIn(kUrlCases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(NormalizeUrl, FieldsAreFilledSeparately) {
  const UrlResult r = parse_and_normalize_url("HTTPS://User@Www.Example.COM:8443/A/../b?x=1#f");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.url->scheme, "https");
  EXPECT_EQ(r.url->host, "www.example.com");
  EXPECT_EQ(r.url->port, 8443);
  EXPECT_EQ(r.url->path, "/b");
  EXPECT_EQ(r.url->query, "x=1");
}

TEST(NormalizeUrl, DefaultPortIsFilledIn) {
  EXPECT_EQ(parse_and_normalize_url("http://a.com/").url->port, 80);
  EXPECT_EQ(parse_and_normalize_url("https://a.com/").url->port, 443);
  EXPECT_EQ(parse_and_normalize_url("ws://a.com/").url->port, 80);
  EXPECT_EQ(parse_and_normalize_url("wss://a.com/").url->port, 443);
}

TEST(NormalizeUrl, LengthCap) {
  const std::string long_url = "http://example.com/" + std::string(9000, 'a');
  EXPECT_EQ(parse_and_normalize_url(long_url).error, UrlError::too_long);
  EXPECT_TRUE(parse_and_normalize_url(long_url, 10000));
  EXPECT_EQ(parse_and_normalize_url("http://example.com/abc", 10).error, UrlError::too_long);
}

TEST(NormalizeUrl, SchemelessListEntries) {
  const UrlResult r = parse_and_normalize_url("Example.com/Path/../x.html", 8192, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r.url->to_string(), "http://example.com/x.html");
  const UrlResult with_port = parse_and_normalize_url("example.com:8080/a", 8192, true);
  ASSERT_TRUE(with_port);
  EXPECT_EQ(with_port.url->port, 8080);
  const UrlResult colon_in_path =
      parse_and_normalize_url("shop.fr/adultes/type:bondage", 8192, true);
  ASSERT_TRUE(colon_in_path);
  EXPECT_EQ(colon_in_path.url->path, "/adultes/type:bondage");
  const UrlResult absolute = parse_and_normalize_url("https://a.com/x", 8192, true);
  ASSERT_TRUE(absolute);
  EXPECT_EQ(absolute.url->scheme, "https");
  EXPECT_TRUE(parse_and_normalize_url("//a.com/x", 8192, true));
}

TEST(NormalizeUrl, BackslashesInAuthorityActLikeBrowsers) {
  // Browsers read "http://evil.com\@good.com/" as host evil.com; so must we.
  const UrlResult r = parse_and_normalize_url("http://evil.com\\@good.com/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.url->host, "evil.com");
  const UrlResult slashes = parse_and_normalize_url("http:\\\\Example.com\\a");
  ASSERT_TRUE(slashes);
  EXPECT_EQ(slashes.url->to_string(), "http://example.com/a");
}

TEST(NormalizeOriginForm, CombinesTargetAndHostHeader) {
  const UrlResult r = normalize_origin_form("/a/../b?q=1", "WWW.Example.com:80", "http");
  ASSERT_TRUE(r);
  EXPECT_EQ(r.url->to_string(), "http://www.example.com/b?q=1");
  EXPECT_EQ(outcome(normalize_origin_form("/", "[::1]:8443", "https")), "https://[::1]:8443/");
  EXPECT_EQ(outcome(normalize_origin_form("/x", "bộgiáodục.vn", "https")),
            "https://xn--bgiodc-rta7842dida.vn/x");
  EXPECT_EQ(outcome(normalize_origin_form("/%62locked", "a.com", "HTTP")), "http://a.com/blocked");
  EXPECT_EQ(outcome(normalize_origin_form("/", "1.2.3.4.nip.io", "http")),
            "http://1.2.3.4.nip.io/");
}

TEST(NormalizeOriginForm, Errors) {
  EXPECT_EQ(normalize_origin_form("", "a.com", "http").error, UrlError::empty);
  EXPECT_EQ(normalize_origin_form("/", "", "http").error, UrlError::bad_host);
  EXPECT_EQ(normalize_origin_form("/", "user@a.com", "http").error, UrlError::bad_host);
  EXPECT_EQ(normalize_origin_form("/", "a.com/x", "http").error, UrlError::bad_host);
  EXPECT_EQ(normalize_origin_form("/", "a.com:99999", "http").error, UrlError::bad_port);
  EXPECT_EQ(normalize_origin_form("/", "a.com", "gopher").error, UrlError::bad_scheme);
  EXPECT_EQ(normalize_origin_form("*", "a.com", "http").error, UrlError::bad_syntax);
  EXPECT_EQ(normalize_origin_form("/" + std::string(100, 'a'), "a.com", "http", 50).error,
            UrlError::too_long);
}

TEST(NormalizeOriginForm, AbsoluteTargetIgnoresHostHeader) {
  EXPECT_EQ(outcome(normalize_origin_form("http://b.com/x", "a.com", "http")), "http://b.com/x");
}

struct PathCase {
  const char* input;
  const char* expected;
};

TEST(NormalizePath, Table) {
  const PathCase cases[] = {
      {"", "/"},
      {"/", "/"},
      {"/./", "/"},
      {"//", "/"},
      {"//a///b", "/a/b"},            // merged, as nginx and Envoy serve it
      {"/a/.//..//admin", "/admin"},  // merged, then dot segments
      {"/%2f/admin", "/%2F/admin"},   // an escaped slash is no separator
      {"/a/../b", "/b"},
      {"/a/./b", "/a/b"},
      {"/a/b/../../..", "/"},
      {"/a//../b", "/b"},
      {"a/b", "/a/b"},
      {"../x", "/x"},
      {"/%2e%2e/x", "/x"},
      {"/%2E/x", "/x"},
      {"/%62locked", "/blocked"},
      {"/a%2fb", "/a%2Fb"},
      {"/a%zz", "/a%25zz"},
      {"/a\\b", "/a/b"},
      {"/é", "/%C3%A9"},
      {"/a#b", "/a%23b"},
      {"/..a/b..", "/..a/b.."},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(normalize_path(c.input), c.expected) << "input: " << c.input;
    EXPECT_EQ(normalize_path(normalize_path(c.input)), c.expected) << "not idempotent: " << c.input;
  }
}

TEST(ConnectTarget, ParsesHostAndPort) {
  EXPECT_EQ(parse_connect_target("Example.COM:443"), (ConnectTarget{"example.com", 443}));
  EXPECT_EQ(parse_connect_target("[2001:DB8::1]:8443"), (ConnectTarget{"2001:db8::1", 8443}));
  EXPECT_EQ(parse_connect_target("0x7f.1:443"), (ConnectTarget{"127.0.0.1", 443}));
  EXPECT_EQ(parse_connect_target("1.2.3.4.nip.io:443"), (ConnectTarget{"1.2.3.4.nip.io", 443}));
  EXPECT_EQ(parse_connect_target("192.168.1.1:8443"), (ConnectTarget{"192.168.1.1", 8443}));
  EXPECT_EQ(parse_connect_target("bộgiáodục.vn:443"),
            (ConnectTarget{"xn--bgiodc-rta7842dida.vn", 443}));
}

TEST(ConnectTarget, RejectsMalformedTargets) {
  EXPECT_FALSE(parse_connect_target(""));
  EXPECT_FALSE(parse_connect_target("example.com"));   // port required
  EXPECT_FALSE(parse_connect_target("example.com:"));  // port required
  EXPECT_FALSE(parse_connect_target("example.com:0"));
  EXPECT_FALSE(parse_connect_target("example.com:65536"));
  EXPECT_FALSE(parse_connect_target("user@example.com:443"));
  EXPECT_FALSE(parse_connect_target("2001:db8::1:443"));  // IPv6 needs brackets
  EXPECT_FALSE(parse_connect_target("example.com:443/x"));
  EXPECT_FALSE(parse_connect_target("exa mple.com:443"));
  EXPECT_FALSE(parse_connect_target(std::string(2000, 'a') + ":443"));
}

TEST(UrlError, HasReadableNames) {
  EXPECT_EQ(to_string(UrlError::bad_port), "invalid port");
  EXPECT_EQ(to_string(UrlError::too_long), "URL too long");
}

}  // namespace
}  // namespace edugate::rules
