// The tunnel-or-inspect decision table, and the guarantees plan_tunnel() promises for every
// combination of facts.
#include <gtest/gtest.h>

#include "proxy/inspect/tunnel_plan.hpp"

namespace edugate::proxy::inspect {
namespace {

using rules::InspectMode;
using tls::HelloStatus;

TunnelFacts before(InspectMode mode, bool blocked, bool exempt = false, bool remembered = false) {
  TunnelFacts f;
  f.mode = mode;
  f.host_blocked = blocked;
  f.host_exempt = exempt;
  f.host_remembered = remembered;
  return f;
}

TunnelFacts after(TunnelFacts f, HelloStatus hello, bool sni_blocked = false,
                  bool sni_other_host = false) {
  f.hello_read = true;
  f.hello = hello;
  f.sni_blocked = sni_blocked || f.host_blocked;
  f.sni_other_host = sni_other_host;
  return f;
}

TEST(TunnelPlan, WithoutInspectionTheClassicPathDecides) {
  EXPECT_EQ(plan_tunnel(before(InspectMode::none, false)), TunnelStep::tunnel);
  EXPECT_EQ(plan_tunnel(before(InspectMode::none, true)), TunnelStep::refuse);
}

TEST(TunnelPlan, BlockedHostShowsThePageInBothModes) {
  for (const auto mode : {InspectMode::blocked_only, InspectMode::all}) {
    const auto f = before(mode, true);
    EXPECT_EQ(plan_tunnel(f), TunnelStep::read_hello);
    EXPECT_EQ(plan_tunnel(after(f, HelloStatus::complete)), TunnelStep::block_page);
    // Not TLS: no page can be shown; nothing reaches the origin.
    EXPECT_EQ(plan_tunnel(after(f, HelloStatus::not_tls)), TunnelStep::close);
    EXPECT_EQ(plan_tunnel(after(f, HelloStatus::need_more)), TunnelStep::close);
  }
}

TEST(TunnelPlan, AllowedHostIsInspectedOnlyInModeAll) {
  const auto all = before(InspectMode::all, false);
  EXPECT_EQ(plan_tunnel(after(all, HelloStatus::complete)), TunnelStep::inspect);
  const auto only = before(InspectMode::blocked_only, false);
  EXPECT_EQ(plan_tunnel(only), TunnelStep::read_hello);
  EXPECT_EQ(plan_tunnel(after(only, HelloStatus::complete)), TunnelStep::pass_through);
  // ... but a blocked SNI behind an allowed CONNECT host gets the page (domain fronting).
  EXPECT_EQ(plan_tunnel(after(only, HelloStatus::complete, true)), TunnelStep::block_page);
  EXPECT_EQ(plan_tunnel(after(all, HelloStatus::complete, true)), TunnelStep::block_page);
}

TEST(TunnelPlan, ExemptAndRememberedHostsAreNeverDecryptedWhenTheSniNamesThem) {
  for (const auto mode : {InspectMode::blocked_only, InspectMode::all}) {
    // Blocked and exempt: no page may be shown; refused at once.
    EXPECT_EQ(plan_tunnel(before(mode, true, true)), TunnelStep::refuse);
    EXPECT_EQ(plan_tunnel(before(mode, true, false, true)), TunnelStep::refuse);
    for (const auto& f : {before(mode, false, true), before(mode, false, false, true)}) {
      EXPECT_EQ(plan_tunnel(f), TunnelStep::read_hello);  // to see what the SNI names
      EXPECT_EQ(plan_tunnel(after(f, HelloStatus::complete)), TunnelStep::pass_through);
      EXPECT_EQ(plan_tunnel(after(f, HelloStatus::complete, true)), TunnelStep::close);
    }
  }
}

// CONNECT site.test:443 with the SNI of an exempt bank: the exemption is the CONNECT host's,
// and the SNI must name that host for it to hold. (Before, an exempt SNI behind any CONNECT host
// was passed through undecrypted: a way around inspection.)
TEST(TunnelPlan, AnExemptNameInTheSniExemptsNothingBehindAnotherHost) {
  const auto all = before(InspectMode::all, false);
  EXPECT_EQ(plan_tunnel(after(all, HelloStatus::complete, false, true)), TunnelStep::inspect);
  // An exempt CONNECT host whose SNI names another host is not exempt either.
  const auto exempt = before(InspectMode::all, false, true);
  EXPECT_EQ(plan_tunnel(after(exempt, HelloStatus::complete, false, true)), TunnelStep::inspect);
  const auto remembered = before(InspectMode::all, false, false, true);
  EXPECT_EQ(plan_tunnel(after(remembered, HelloStatus::complete, false, true)),
            TunnelStep::inspect);
}

TEST(TunnelPlan, OnlyBytesThatAreNotTlsAtAllFallBackToThePlainTunnel) {
  // Not TLS at all: relayed where the group decrypts only to show block pages; in a group that
  // inspects everything, only to an exempt host (a pupil makes the memory of a refused
  // certificate at will, so that memory does not count here).
  EXPECT_EQ(plan_tunnel(after(before(InspectMode::blocked_only, false), HelloStatus::not_tls)),
            TunnelStep::pass_through);
  EXPECT_EQ(plan_tunnel(after(before(InspectMode::all, false), HelloStatus::not_tls)),
            TunnelStep::close);
  EXPECT_EQ(plan_tunnel(after(before(InspectMode::all, false, true), HelloStatus::not_tls)),
            TunnelStep::pass_through);
  EXPECT_EQ(plan_tunnel(after(before(InspectMode::all, false, false, true), HelloStatus::not_tls)),
            TunnelStep::close);
  for (const auto mode : {InspectMode::blocked_only, InspectMode::all}) {
    const auto f = before(mode, false);
    // Looks like TLS, but no ClientHello edugate can read (an SNI its parser refuses while
    // OpenSSL accepts it), too large, or not whole in time: closed.
    for (const auto s : {HelloStatus::malformed, HelloStatus::too_large, HelloStatus::need_more})
      EXPECT_EQ(plan_tunnel(after(f, s)), TunnelStep::close);
  }
}

TEST(TunnelPlan, GuaranteesHoldForEveryCombination) {
  for (int bits = 0; bits < (1 << 8); ++bits) {
    TunnelFacts f;
    f.mode = static_cast<InspectMode>(bits % 3);
    f.host_blocked = bits & 4;
    f.host_exempt = bits & 8;
    f.host_remembered = bits & 16;
    f.hello_read = bits & 32;
    f.sni_blocked = bits & 64;
    f.sni_other_host = bits & 128;
    for (const auto hello : {HelloStatus::complete, HelloStatus::not_tls, HelloStatus::need_more,
                             HelloStatus::malformed, HelloStatus::too_large}) {
      f.hello = hello;
      const auto step = plan_tunnel(f);
      const bool decrypts = step == TunnelStep::inspect || step == TunnelStep::block_page;
      const bool exempt =
          (f.host_exempt || f.host_remembered) && !(f.hello_read && f.sni_other_host);
      const bool blocked = f.host_blocked || (f.hello_read && f.sni_blocked);
      SCOPED_TRACE(bits);
      if (exempt || f.mode == InspectMode::none) {
        EXPECT_FALSE(decrypts);
      }
      if (blocked) {
        EXPECT_NE(step, TunnelStep::pass_through);
        EXPECT_NE(step, TunnelStep::inspect);
      }
      if (step == TunnelStep::inspect) {
        EXPECT_EQ(f.mode, InspectMode::all);
        EXPECT_EQ(f.hello, HelloStatus::complete);
      }
      if (f.hello_read) {
        EXPECT_NE(step, TunnelStep::read_hello);
      }
      if (f.hello_read && f.mode != InspectMode::none && hello != HelloStatus::complete &&
          hello != HelloStatus::not_tls) {
        EXPECT_EQ(step, TunnelStep::close);
      }
      if (f.hello_read && f.mode == InspectMode::all && hello == HelloStatus::not_tls &&
          !(f.host_exempt && !f.sni_other_host)) {
        EXPECT_EQ(step, TunnelStep::close);
      }
      if (!f.hello_read) {
        EXPECT_TRUE(step == TunnelStep::refuse || step == TunnelStep::tunnel ||
                    step == TunnelStep::read_hello);
      }
    }
  }
}

TEST(TunnelPlan, CertificateNameIsTheSniElseTheHost) {
  tls::HelloParse p;
  EXPECT_EQ(certificate_name("a.test", p), "a.test");
  p.status = HelloStatus::complete;
  EXPECT_EQ(certificate_name("a.test", p), "a.test");  // no SNI
  p.info.has_sni = true;
  p.info.sni = "b.test";
  EXPECT_EQ(certificate_name("a.test", p), "b.test");
}

}  // namespace
}  // namespace edugate::proxy::inspect
