#pragma once

// The OpenSSL handles of HTTPS inspection (certificates, TLS), each a unique_ptr with its free
// function, built on the one deleter the rules library's signing module declares
// (rules/signing/openssl_handles.hpp): edugate has one way to own an OpenSSL object, never a
// manual X509_free chain. Header-only and light: OpenSSL's declarations, not Asio or Beast.

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "rules/signing/openssl_handles.hpp"

namespace edugate::proxy::inspect {

template <auto Free>
using OpenSslDeleter = rules::signing::OpensslDeleter<Free>;

using EvpPkeyPtr = rules::signing::PkeyPtr;
using BioPtr = rules::signing::BioPtr;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslDeleter<EVP_PKEY_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES_free>>;
using Asn1OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslDeleter<SSL_free>>;
using SslSessionPtr = std::unique_ptr<SSL_SESSION, OpenSslDeleter<SSL_SESSION_free>>;
using BasicConstraintsPtr =
    std::unique_ptr<BASIC_CONSTRAINTS, OpenSslDeleter<BASIC_CONSTRAINTS_free>>;
using Asn1BitStringPtr = std::unique_ptr<ASN1_BIT_STRING, OpenSslDeleter<ASN1_BIT_STRING_free>>;
using ExtendedKeyUsagePtr =
    std::unique_ptr<EXTENDED_KEY_USAGE, OpenSslDeleter<EXTENDED_KEY_USAGE_free>>;
using AuthorityKeyidPtr = std::unique_ptr<AUTHORITY_KEYID, OpenSslDeleter<AUTHORITY_KEYID_free>>;

/// A new reference to `cert` (X509_up_ref), for a second owner. Precondition: cert != nullptr.
inline X509Ptr share(X509* cert) noexcept {
  X509_up_ref(cert);
  return X509Ptr(cert);
}

/// A new reference to `key` (EVP_PKEY_up_ref). Precondition: key != nullptr.
inline EvpPkeyPtr share(EVP_PKEY* key) noexcept {
  EVP_PKEY_up_ref(key);
  return EvpPkeyPtr(key);
}

}  // namespace edugate::proxy::inspect
