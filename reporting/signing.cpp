#include "reporting/signing.hpp"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include <array>
#include <fstream>
#include <sstream>

namespace edugate::reporting {

namespace {

std::string openssl_error(std::string_view doing) {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return std::string(doing);
  std::array<char, 256> buf{};
  ERR_error_string_n(code, buf.data(), buf.size());
  return fmt::format("{}: {}", doing, buf.data());
}

std::optional<std::string> bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  if (n <= 0) return std::nullopt;
  return std::string(data, static_cast<std::size_t>(n));
}

bool is_ed25519(EVP_PKEY* key) { return key && EVP_PKEY_get_id(key) == EVP_PKEY_ED25519; }

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

EvpPkey generate_ed25519(std::string* error) {
  EvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key && error) *error = openssl_error("generating an Ed25519 key");
  return key;
}

std::optional<std::string> private_key_pem(EVP_PKEY* key, std::string* error) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    if (error) *error = openssl_error("writing the private key");
    return std::nullopt;
  }
  return bio_text(bio.get());
}

std::optional<std::string> public_key_pem(EVP_PKEY* key, std::string* error) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    if (error) *error = openssl_error("writing the public key");
    return std::nullopt;
  }
  return bio_text(bio.get());
}

EvpPkey load_private_key(const std::string& path, std::string* error) {
  const auto text = read_file(path);
  if (!text) {
    if (error) *error = fmt::format("cannot read private key {}", path);
    return nullptr;
  }
  Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  EvpPkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!is_ed25519(key.get())) {
    if (error) *error = fmt::format("{} is not an Ed25519 private key in PEM form", path);
    ERR_clear_error();
    return nullptr;
  }
  return key;
}

EvpPkey load_public_key(const std::string& path_or_base64, std::string* error) {
  if (const auto text = read_file(path_or_base64)) {
    Bio bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
    EvpPkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
    if (is_ed25519(key.get())) return key;
    ERR_clear_error();
    if (error) *error = fmt::format("{} is not an Ed25519 public key in PEM form", path_or_base64);
    return nullptr;
  }
  const auto raw = base64_decode(path_or_base64);
  if (raw && raw->size() == 32) {
    EvpPkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, raw->data(), raw->size()));
    if (key) return key;
  }
  if (error)
    *error = fmt::format("'{}' is neither a readable PEM file nor a base64 Ed25519 public key",
                         path_or_base64);
  return nullptr;
}

std::string public_key_base64(EVP_PKEY* key) {
  std::vector<unsigned char> raw(32);
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(key, raw.data(), &len) != 1) return {};
  raw.resize(len);
  return base64_encode(raw);
}

std::string key_fingerprint(EVP_PKEY* key) {
  const auto raw = base64_decode(public_key_base64(key)).value_or(std::vector<unsigned char>{});
  std::array<unsigned char, 32> digest{};
  unsigned int n = 0;
  EVP_Digest(raw.data(), raw.size(), digest.data(), &n, EVP_sha256(), nullptr);
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) out += fmt::format("{:02x}", digest[i]);
  return out;
}

std::optional<std::string> sign_message(EVP_PKEY* private_key, std::string_view message,
                                        std::string* error) {
  EvpMdCtx ctx(EVP_MD_CTX_new());
  std::vector<unsigned char> sig(64);
  std::size_t len = sig.size();
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, private_key) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1) {
    if (error) *error = openssl_error("signing");
    return std::nullopt;
  }
  sig.resize(len);
  return base64_encode(sig);
}

bool verify_message(EVP_PKEY* public_key, std::string_view message,
                    std::string_view signature_base64) {
  const auto sig = base64_decode(signature_base64);
  if (!sig || sig->size() != 64 || !is_ed25519(public_key)) return false;
  EvpMdCtx ctx(EVP_MD_CTX_new());
  const bool ok =
      ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, public_key) == 1 &&
      EVP_DigestVerify(ctx.get(), sig->data(), sig->size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  ERR_clear_error();
  return ok;
}

std::string base64_encode(const std::vector<unsigned char>& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes.data(),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::vector<unsigned char>> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > (1u << 20)) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  const int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t len = static_cast<std::size_t>(n);
  if (text.back() == '=') --len;  // EVP_DecodeBlock counts padding as zero bytes
  if (text[text.size() - 2] == '=') --len;
  out.resize(len);
  return out;
}

}  // namespace edugate::reporting
