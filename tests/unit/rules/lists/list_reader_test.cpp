#include "rules/lists/list_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace edugate::rules {
namespace {

std::vector<std::string> values(const ListReadResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.entries) out.push_back(e.value);
  return out;
}

using Strings = std::vector<std::string>;

/// "line:column" of every problem, for compact assertions.
Strings where(const ListReadResult& r) {
  Strings out;
  for (const auto& p : r.problems)
    out.push_back(std::to_string(p.line) + ":" + std::to_string(p.column));
  return out;
}

TEST(ListFormatName, RoundTrips) {
  for (const char* name : {"domains", "hosts", "adguard", "dnsmasq", "urls", "expressions"}) {
    const auto format = parse_list_format(name);
    ASSERT_TRUE(format) << name;
    EXPECT_EQ(to_string(*format), name);
  }
  EXPECT_EQ(parse_list_format("urls"), ListFormat::squidguard_urls);
  EXPECT_FALSE(parse_list_format("Domains"));
  EXPECT_FALSE(parse_list_format("csv"));
}

TEST(DomainsList, CommentsPrefixesCaseAndDuplicates) {
  const ListReadResult r = read_list(ListFormat::domains,
                                     "# header\n"
                                     "\n"
                                     "Example.COM\n"
                                     "*.wild.example\n"
                                     ".dot.example\n"
                                     "trailing.example.\n"
                                     "example.com\n"
                                     "  spaced.example   \n"
                                     "inline.example # why\n"
                                     "192.0.2.7\n"
                                     "_srv.example\n");
  EXPECT_EQ(values(r), (Strings{"example.com", "wild.example", "dot.example", "trailing.example",
                                "spaced.example", "inline.example", "192.0.2.7", "_srv.example"}));
  EXPECT_EQ(r.entries[0].line, 3u);
  EXPECT_EQ(r.entries[7].line, 11u);
  EXPECT_EQ(r.skipped_comments, 1u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_TRUE(r.problems.empty());
}

TEST(DomainsList, MalformedLinesAreProblemsWithPosition) {
  const ListReadResult r = read_list(ListFormat::domains,
                                     "good.example\n"
                                     "bad..example\n"
                                     "   spa ce.example\n"
                                     "ok.example\n"
                                     "\tha/sh.example\n" +
                                         std::string(70, 'x') +
                                         ".example\n"
                                         "last.example");
  EXPECT_EQ(values(r), (Strings{"good.example", "ok.example", "last.example"}));
  EXPECT_EQ(where(r), (Strings{"2:1", "3:8", "5:2", "6:1"}));
  EXPECT_NE(r.problems[0].message.find("bad..example"), std::string::npos);
  EXPECT_NE(r.problems[1].message.find("ce.example"), std::string::npos);
}

TEST(DomainsList, HostsLineGetsAHint) {
  const ListReadResult r = read_list(ListFormat::domains, "0.0.0.0 ads.example\n");
  ASSERT_EQ(where(r), (Strings{"1:9"}));
  EXPECT_NE(r.problems[0].message.find("format: hosts"), std::string::npos);
}

TEST(DomainsList, BomCrlfAndUnicode) {
  const ListReadResult r = read_list(ListFormat::domains,
                                     "\xEF\xBB\xBF"
                                     "first.example\r\n"
                                     "Bộgiáodục.vn\r\n"
                                     "bad domain\r\n"
                                     "\r\n"
                                     "last.example\r\n");
  EXPECT_EQ(values(r), (Strings{"first.example", "xn--bgiodc-rta7842dida.vn", "last.example"}));
  EXPECT_EQ(where(r), (Strings{"3:5"}));
}

TEST(DomainsList, Utf16IsRejectedWithAClearMessage) {
  const ListReadResult r = read_list(ListFormat::domains, std::string("\xFF\xFE"
                                                                      "a\0.\0",
                                                                      6));
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].message.find("UTF-16"), std::string::npos);
  EXPECT_TRUE(r.entries.empty());
}

TEST(HostsList, SinksLocalNamesAndInlineComments) {
  const ListReadResult r = read_list(ListFormat::hosts,
                                     "# Title: sample\n"
                                     "127.0.0.1 localhost\n"
                                     "127.0.0.1 localhost.localdomain\n"
                                     "255.255.255.255 broadcasthost\n"
                                     "::1 localhost ip6-localhost ip6-loopback\n"
                                     "fe00::0 ip6-localnet\n"
                                     "0.0.0.0 0.0.0.0\n"
                                     "0.0.0.0 ads.example tracker.example # two on a line\n"
                                     "127.0.0.1\tTAB.example\n"
                                     ":: v6sink.example\n"
                                     "0.0.0.0 ads.example\n"
                                     "0.0.0.0 local\n");
  EXPECT_EQ(values(r),
            (Strings{"ads.example", "tracker.example", "tab.example", "v6sink.example"}));
  EXPECT_EQ(r.skipped_comments, 1u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.skipped_local_names, 9u);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].message;
}

TEST(HostsList, MalformedLines) {
  const ListReadResult r = read_list(ListFormat::hosts,
                                     "example.com\n"  // no address
                                     "0.0.0.0\n"      // no name
                                     "0.0.0.0 good.example bad_host!.example\n"
                                     "300.1.1.1 x.example\n"
                                     "0.0.0.0   ok.example\r\n");
  EXPECT_EQ(values(r), (Strings{"good.example", "ok.example"}));
  EXPECT_EQ(where(r), (Strings{"1:1", "2:1", "3:22", "4:1"}));
}

TEST(AdguardList, DomainRulesOptionsCommentsAndUnsupported) {
  const ListReadResult r = read_list(ListFormat::adguard,
                                     "[Adblock Plus 2.0]\n"
                                     "! Title: sample\n"
                                     "# hosts-style comment\n"
                                     "||Example.com^\n"
                                     "||third.example^$third-party\n"
                                     "||important.example^$important,all\n"
                                     "||pipe.example^|\n"
                                     "||nocaret.example\n"
                                     "||*.wild.example^\n"
                                     "||bộgiáodục.vn^\n"
                                     "@@||allowed.example^\n"
                                     "example.org##.banner\n"
                                     "##.ad-box\n"
                                     "example.org#@#.banner\n"
                                     "||path.example/ads/*\n"
                                     "||port.example:8080^\n"
                                     "/banner[0-9]+/\n"
                                     "-ad-unit-\n"
                                     "||scoped.example^$domain=a.com\n"
                                     "||bad.example^$badfilter\n"
                                     "||example.com^\n");
  EXPECT_EQ(values(r), (Strings{"example.com", "third.example", "important.example", "pipe.example",
                                "nocaret.example", "wild.example", "xn--bgiodc-rta7842dida.vn"}));
  EXPECT_EQ(r.skipped_comments, 3u);
  EXPECT_EQ(r.skipped_unsupported, 10u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].message;
}

TEST(AdguardList, MalformedDomainRules) {
  const ListReadResult r = read_list(ListFormat::adguard,
                                     "||^\n"
                                     "  ||bad..example^\n"
                                     "||ok.example^\n");
  EXPECT_EQ(values(r), (Strings{"ok.example"}));
  EXPECT_EQ(where(r), (Strings{"1:3", "2:5"}));
}

TEST(DnsmasqList, ServerAddressLocal) {
  const ListReadResult r = read_list(ListFormat::dnsmasq,
                                     "# dnsmasq sample\n"
                                     "server=/a.example/\n"
                                     "address=/b.example/0.0.0.0\n"
                                     "address=/c.example/::\n"
                                     "local=/d.example/\n"
                                     "server=/e.example/f.example/\n"
                                     "address=/.g.example/127.0.0.1\n"
                                     "no-resolv\n"
                                     "cache-size=1000\n"
                                     "server=/A.EXAMPLE/\n");
  EXPECT_EQ(values(r), (Strings{"a.example", "b.example", "c.example", "d.example", "e.example",
                                "f.example", "g.example"}));
  EXPECT_EQ(r.skipped_comments, 1u);
  EXPECT_EQ(r.skipped_unsupported, 2u);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].message;
}

TEST(DnsmasqList, MalformedLines) {
  const ListReadResult r = read_list(ListFormat::dnsmasq,
                                     "server=a.example\n"
                                     "server=/a.example\n"
                                     "address=/#/0.0.0.0\n"
                                     "server=//\n"
                                     "local=/bad..example/\n"
                                     "server\n"
                                     "server=/ok.example/\n");
  EXPECT_EQ(values(r), (Strings{"ok.example"}));
  EXPECT_EQ(where(r), (Strings{"1:8", "2:8", "3:10", "4:9", "5:8", "6:1"}));
}

TEST(SquidGuardUrls, HostPathPrefixes) {
  const ListReadResult r = read_list(ListFormat::squidguard_urls,
                                     "example.com/path/page.html\n"
                                     "www.Example.com/Other/\n"
                                     "WWW.example.com/path/page.html\n"
                                     "site.example\n"
                                     "site.example/a/../b%2Fc\n"
                                     "http://scheme.example/x\n"
                                     "shop.fr/adultes/type:bondage\n"
                                     "208.80.53.49/jeux\n"
                                     "port.example:8080/x\n"
                                     "q.example/?v=da7f\n"
                                     "dmoz.org/World/Espa%c3%b1ol/Juegos/\n"
                                     "bộgiáodục.vn/tin\n");
  EXPECT_EQ(values(r),
            (Strings{"example.com/path/page.html", "example.com/Other/", "site.example/",
                     "site.example/b%2Fc", "scheme.example/x", "shop.fr/adultes/type:bondage",
                     "208.80.53.49/jeux", "port.example:8080/x", "q.example/?v=da7f",
                     "dmoz.org/World/Espa%C3%B1ol/Juegos/", "xn--bgiodc-rta7842dida.vn/tin"}));
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_TRUE(r.problems.empty()) << r.problems[0].message;
}

TEST(SquidGuardUrls, MalformedLines) {
  const ListReadResult r = read_list(ListFormat::squidguard_urls,
                                     "ok.example/a\n"
                                     "bad host.example/x\n"
                                     "  port.example:99999/x\n"
                                     "ftp://ftp.example/x\n");
  EXPECT_EQ(values(r), (Strings{"ok.example/a"}));
  EXPECT_EQ(where(r), (Strings{"2:5", "3:3", "4:1"}));
  EXPECT_NE(r.problems[1].message.find("invalid port"), std::string::npos);
  EXPECT_NE(r.problems[2].message.find("unsupported scheme"), std::string::npos);
}

TEST(SquidGuardExpressions, KeptVerbatim) {
  const std::string regex = "(^|[-\\?+=/_])(big|cyber)?(adult|porn)s?([-\\.\\?+=/_]|$)";
  const ListReadResult r = read_list(ListFormat::squidguard_expressions,
                                     "# comment\n" + regex + "\r\n\n  \n" + regex + "\nfoo bar\n");
  EXPECT_EQ(values(r), (Strings{regex, "foo bar"}));
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.skipped_comments, 1u);
}

TEST(ReadList, EmptyAndWhitespaceOnlyInput) {
  for (auto format :
       {ListFormat::domains, ListFormat::hosts, ListFormat::adguard, ListFormat::dnsmasq,
        ListFormat::squidguard_urls, ListFormat::squidguard_expressions}) {
    const ListReadResult r = read_list(format, "\n\r\n \t\n");
    EXPECT_TRUE(r.entries.empty());
    EXPECT_TRUE(r.problems.empty());
    EXPECT_TRUE(read_list(format, "").entries.empty());
  }
}

TEST(ReadList, LastLineWithoutNewlineAndLineNumbers) {
  const ListReadResult r = read_list(ListFormat::domains, "a.example\n\n\nb.example");
  ASSERT_EQ(r.entries.size(), 2u);
  EXPECT_EQ(r.entries[1].line, 4u);
}

TEST(ReadListFile, MissingFileIsAnError) {
  std::string error;
  EXPECT_FALSE(read_list_file(ListFormat::domains, "/nonexistent/edugate/list.txt", &error));
  EXPECT_NE(error.find("/nonexistent/edugate/list.txt"), std::string::npos);
  EXPECT_FALSE(read_list_file(ListFormat::domains, "/tmp", &error));
  EXPECT_NE(error.find("not a regular file"), std::string::npos);
  EXPECT_FALSE(read_list_file(ListFormat::domains, "/nonexistent", nullptr));
}

}  // namespace
}  // namespace edugate::rules
