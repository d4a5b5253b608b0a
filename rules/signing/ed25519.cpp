#include "rules/signing/ed25519.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace edugate::rules::signing {

namespace {

std::string openssl_error() {
  char buf[256] = {};
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

/// Refuses to prompt for a pass phrase: keys used by edugate are unencrypted files.
int no_password(char*, int, int, void*) { return 0; }

BioPtr memory_bio(std::string_view bytes) {
  return BioPtr(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

PkeyPtr require_ed25519(PkeyPtr key, std::string& error, const char* what) {
  if (!key) {
    error = std::string("not a PEM ") + what + ": " + openssl_error();
    return nullptr;
  }
  if (!is_ed25519(key.get())) {
    error = std::string("the ") + what + " is not an Ed25519 key";
    return nullptr;
  }
  return key;
}

}  // namespace

PkeyPtr generate_key(std::string& error) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) error = "OpenSSL: Ed25519 key generation failed: " + openssl_error();
  return key;
}

std::optional<std::string> private_key_pem(EVP_PKEY* key, std::string& error) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    error = "OpenSSL: cannot write the private key: " + openssl_error();
    return std::nullopt;
  }
  return bio_text(bio.get());
}

std::optional<std::string> public_key_pem(EVP_PKEY* key, std::string& error) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    error = "OpenSSL: cannot write the public key: " + openssl_error();
    return std::nullopt;
  }
  return bio_text(bio.get());
}

std::optional<KeyPairPem> generate_ed25519(std::string& error) {
  const auto key = generate_key(error);
  if (!key) return std::nullopt;
  auto private_pem = private_key_pem(key.get(), error);
  auto public_pem = public_key_pem(key.get(), error);
  if (!private_pem || !public_pem) return std::nullopt;
  return KeyPairPem{std::move(*private_pem), std::move(*public_pem)};
}

PkeyPtr load_private_key(std::string_view pem, std::string& error) {
  const BioPtr bio = memory_bio(pem);
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr) : nullptr);
  return require_ed25519(std::move(key), error, "private key");
}

PkeyPtr load_public_key(std::string_view pem, std::string& error) {
  const BioPtr bio = memory_bio(pem);
  PkeyPtr key(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, no_password, nullptr) : nullptr);
  return require_ed25519(std::move(key), error, "public key");
}

std::optional<std::string> raw_public_key(EVP_PKEY* key) {
  std::string raw(32, '\0');
  std::size_t size = raw.size();
  if (!is_ed25519(key) ||
      EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()), &size) != 1)
    return std::nullopt;
  raw.resize(size);
  return raw;
}

PkeyPtr public_key_from_raw(std::string_view raw) {
  if (raw.size() != 32) return nullptr;
  return PkeyPtr(EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size()));
}

bool is_ed25519(EVP_PKEY* key) { return key && EVP_PKEY_is_a(key, "ED25519") == 1; }

std::optional<std::string> sign(EVP_PKEY* private_key, std::string_view message,
                                std::string& error) {
  const MdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t size = 64;
  std::string signature(size, '\0');
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, private_key) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    error = "OpenSSL: Ed25519 signing failed: " + openssl_error();
    return std::nullopt;
  }
  signature.resize(size);
  return signature;
}

bool verify(EVP_PKEY* public_key, std::string_view message, std::string_view signature) {
  if (!is_ed25519(public_key) || signature.size() != 64) return false;
  const MdCtxPtr ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, public_key) == 1 &&
      EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string base64_encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // Keys and signatures are short; 1 MiB bounds what an untrusted document can make us decode.
  if (text.empty() || text.size() % 4 != 0 || text.size() > (1u << 20)) return std::nullopt;
  std::string out(3 * text.size() / 4, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // EVP_DecodeBlock counts padding as zero bytes.
  if (text.ends_with("=="))
    size -= 2;
  else if (text.ends_with('='))
    size -= 1;
  out.resize(size);
  if (base64_encode(out) != text) return std::nullopt;  // reject non-canonical input
  return out;
}

}  // namespace edugate::rules::signing
