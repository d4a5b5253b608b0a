#include "proxy/inspect/tls_contexts.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>

#include <cstring>

namespace edugate::proxy::inspect {

namespace {

constexpr unsigned char kAlpnHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

/// Selects http/1.1 from the client's ALPN list; without it, the connection goes on without ALPN
/// (an HTTP/1.1 client that sent no ALPN at all is fine too).
int select_http11(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                  unsigned int inlen, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kAlpnHttp11, sizeof kAlpnHttp11, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

bool is_ip_literal(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

SslCtxPtr make_client_facing_context() {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return nullptr;
  if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) return nullptr;
  SSL_CTX_set_options(
      ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(ctx.get(), select_http11, nullptr);
  // No TLS 1.3 session tickets: each worker has its own context (so its own ticket keys) and
  // SO_REUSEPORT spreads a device's connections over the workers, so a ticket would resume on
  // one worker in N, while issuing two cost every new connection about 0.05 ms of CPU
  // (inspect_bench.sh). TLS 1.3 resumption saves no round trip.
  SSL_CTX_set_num_tickets(ctx.get(), 0);
  return ctx;
}

SslCtxPtr make_upstream_context(const std::string& bundle, std::string& error) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx || SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION) != 1) {
    error = "cannot create the upstream TLS context";
    return nullptr;
  }
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  const int loaded = bundle.empty()
                         ? SSL_CTX_set_default_verify_paths(ctx.get())
                         : SSL_CTX_load_verify_locations(ctx.get(), bundle.c_str(), nullptr);
  if (loaded != 1) {
    ERR_clear_error();
    error = bundle.empty() ? std::string("cannot load the system trust store")
                           : bundle + ": cannot load it as a PEM bundle of CA certificates";
    return nullptr;
  }
  if (SSL_CTX_set_alpn_protos(ctx.get(), kAlpnHttp11, sizeof kAlpnHttp11) != 0) {
    error = "cannot set ALPN on the upstream TLS context";
    return nullptr;
  }
  return ctx;
}

bool use_leaf(SSL* ssl, X509* leaf, EVP_PKEY* key) {
  return SSL_use_certificate(ssl, leaf) == 1 && SSL_use_PrivateKey(ssl, key) == 1;
}

bool expect_peer(SSL* ssl, std::string_view name) {
  const std::string n(name);
  if (n.empty()) return false;
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (is_ip_literal(n))  // no SNI for addresses
    return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), n.c_str()) == 1;
  return SSL_set_tlsext_host_name(ssl, n.c_str()) == 1 && SSL_set1_host(ssl, n.c_str()) == 1;
}

CertProblem describe_verify_error(long verify_result) noexcept {
  switch (verify_result) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return {"Chứng chỉ bảo mật của trang web đã hết hạn.",
              "The site's security certificate has expired.", "expired"};
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return {"Chứng chỉ bảo mật của trang web chưa có hiệu lực.",
              "The site's security certificate is not valid yet.", "not-yet-valid"};
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return {"Chứng chỉ bảo mật được cấp cho một trang web khác.",
              "The site's security certificate was issued for a different name.", "wrong-host"};
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return {"Chứng chỉ bảo mật không do một tổ chức đáng tin cậy cấp.",
              "The site's security certificate is not issued by a trusted authority.", "untrusted"};
    case X509_V_ERR_CERT_REVOKED:
      return {"Chứng chỉ bảo mật của trang web đã bị thu hồi.",
              "The site's security certificate has been revoked.", "revoked"};
    default:
      return {"Không kiểm tra được chứng chỉ bảo mật của trang web.",
              "The site's security certificate could not be verified.", "invalid"};
  }
}

}  // namespace edugate::proxy::inspect
