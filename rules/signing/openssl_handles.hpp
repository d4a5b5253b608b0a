#pragma once

#include <openssl/bio.h>
#include <openssl/evp.h>

#include <memory>

namespace edugate::rules::signing {

/// Frees an OpenSSL object with its own free function.
template <auto Free>
struct OpensslDeleter {
  template <typename T>
  void operator()(T* p) const noexcept {
    Free(p);
  }
};

/// The OpenSSL handles of the signing module, each owned by a unique_ptr with its free function.
/// This deleter is edugate's one way to own an OpenSSL object: reporting/ and proxy/inspect/
/// declare their handles on it.
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<&EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpensslDeleter<&EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<&BIO_free_all>>;

}  // namespace edugate::rules::signing
