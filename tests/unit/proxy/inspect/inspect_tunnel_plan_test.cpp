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
                  bool sni_exempt = false, bool sni_remembered = false) {
  f.hello_read = true;
  f.hello = hello;
  f.sni_blocked = sni_blocked || f.host_blocked;
  f.sni_exempt = sni_exempt;
  f.sni_remembered = sni_remembered;
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

TEST(TunnelPlan, ExemptAndRememberedHostsAreNeverDecrypted) {
  EXPECT_EQ(plan_tunnel(before(InspectMode::all, false, true)), TunnelStep::tunnel);
  EXPECT_EQ(plan_tunnel(before(InspectMode::all, true, true)), TunnelStep::refuse);
  EXPECT_EQ(plan_tunnel(before(InspectMode::all, false, false, true)), TunnelStep::tunnel);
  EXPECT_EQ(plan_tunnel(before(InspectMode::all, true, false, true)), TunnelStep::refuse);
  const auto f = before(InspectMode::all, false);
  EXPECT_EQ(plan_tunnel(after(f, HelloStatus::complete, false, true)), TunnelStep::pass_through);
  EXPECT_EQ(plan_tunnel(after(f, HelloStatus::complete, false, false, true)),
            TunnelStep::pass_through);
  EXPECT_EQ(plan_tunnel(after(f, HelloStatus::complete, true, true)), TunnelStep::close);
}

TEST(TunnelPlan, NotTlsFallsBackToThePlainTunnel) {
  const auto f = before(InspectMode::all, false);
  for (const auto s : {HelloStatus::not_tls, HelloStatus::malformed, HelloStatus::too_large,
                       HelloStatus::need_more})
    EXPECT_EQ(plan_tunnel(after(f, s)), TunnelStep::pass_through);
}

TEST(TunnelPlan, GuaranteesHoldForEveryCombination) {
  for (int bits = 0; bits < (1 << 9); ++bits) {
    TunnelFacts f;
    f.mode = static_cast<InspectMode>(bits % 3);
    f.host_blocked = bits & 4;
    f.host_exempt = bits & 8;
    f.host_remembered = bits & 16;
    f.hello_read = bits & 32;
    f.sni_blocked = bits & 64;
    f.sni_exempt = bits & 128;
    f.sni_remembered = bits & 256;
    for (const auto hello : {HelloStatus::complete, HelloStatus::not_tls, HelloStatus::need_more}) {
      f.hello = hello;
      const auto step = plan_tunnel(f);
      const bool decrypts = step == TunnelStep::inspect || step == TunnelStep::block_page;
      const bool exempt = f.host_exempt || f.host_remembered ||
                          (f.hello_read && (f.sni_exempt || f.sni_remembered));
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
