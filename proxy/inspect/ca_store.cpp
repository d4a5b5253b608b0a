#include "proxy/inspect/ca_store.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace edugate::proxy::inspect {

namespace {

namespace fs = std::filesystem;

std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

/// The bytes a BIO holds.
std::vector<char> bio_bytes(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::vector<char>(data, data + n) : std::vector<char>{};
}

/// Creates `path` exclusively with `mode` (fchmod: the umask cannot loosen or tighten it) and
/// writes `bytes`. Removes the file again if anything fails.
bool write_new_file(const fs::path& path, const std::vector<char>& bytes, mode_t mode,
                    std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) {
    error = fmt::format("{}: {}{}", path.string(), std::strerror(errno),
                        errno == EEXIST ? " (an existing CA is never overwritten: devices "
                                          "already trust it; remove it first if you mean it)"
                                        : "");
    return false;
  }
  bool ok = ::fchmod(fd, mode) == 0;
  std::size_t done = 0;
  while (ok && done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::fsync(fd) == 0 && ok;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok) {
    error = fmt::format("{}: {}", path.string(), std::strerror(saved));
    ::unlink(path.c_str());
  }
  return ok;
}

std::optional<std::vector<char>> pem_of_key(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return std::nullopt;
  return bio_bytes(bio.get());
}

std::optional<std::vector<char>> pem_of_cert(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return std::nullopt;
  return bio_bytes(bio.get());
}

std::optional<std::vector<char>> der_of_cert(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || i2d_X509_bio(bio.get(), cert) != 1) return std::nullopt;
  return bio_bytes(bio.get());
}

/// Checks the certificate half of a CA pair; empty when fine.
std::string check_ca_certificate(X509* cert, EVP_PKEY* key,
                                 std::chrono::system_clock::time_point now) {
  if (X509_check_private_key(cert, key) != 1) return "the private key does not belong to it";
  if (X509_check_ca(cert) < 1) return "it is not a CA certificate (basicConstraints CA:TRUE)";
  if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
      !(X509_get_key_usage(cert) & KU_KEY_CERT_SIGN))
    return "its keyUsage does not allow signing certificates (keyCertSign)";
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  if (X509_cmp_time(X509_get0_notAfter(cert), &t) <= 0)
    return "it has expired: make a new one with `edugate ca init` and deploy it";
  if (X509_cmp_time(X509_get0_notBefore(cert), &t) > 0) return "it is not valid yet";
  return {};
}

}  // namespace

bool write_school_ca(const SchoolCa& ca, const fs::path& dir, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = fmt::format("{}: {}", dir.string(), ec.message());
    return false;
  }
  auto key = pem_of_key(ca.key.get());
  const auto pem = pem_of_cert(ca.cert.get());
  const auto der = der_of_cert(ca.cert.get());
  if (!key || !pem || !der) {
    error = "cannot encode the CA: " + openssl_reason();
    return false;
  }
  const fs::path key_path = dir / kCaKeyPem, pem_path = dir / kCaCertPem,
                 der_path = dir / kCaCertDer;
  bool ok = write_new_file(key_path, *key, 0600, error);
  OPENSSL_cleanse(key->data(), key->size());
  if (ok && !write_new_file(pem_path, *pem, 0644, error)) {
    ::unlink(key_path.c_str());
    ok = false;
  }
  if (ok && !write_new_file(der_path, *der, 0644, error)) {
    ::unlink(key_path.c_str());
    ::unlink(pem_path.c_str());
    ok = false;
  }
  return ok;
}

std::optional<SchoolCa> load_school_ca(const std::string& cert_path, const std::string& key_path,
                                       std::chrono::system_clock::time_point now,
                                       std::string& error) {
  SchoolCa ca;
  {
    BioPtr bio(BIO_new_file(cert_path.c_str(), "r"));
    if (bio) ca.cert.reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!ca.cert) {
      error = fmt::format("{}: cannot read a PEM certificate: {}", cert_path, openssl_reason());
      return std::nullopt;
    }
  }
  // The key that can mint a certificate for any site pupils visit: only its owner, who must be
  // the user edugate runs as, may read or write it.
  struct stat st {};
  if (::stat(key_path.c_str(), &st) == 0) {
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
      error = fmt::format(
          "{}: the CA private key is open to its group or other users (mode {:03o}; chmod 600 it)",
          key_path, st.st_mode & 0777);
      return std::nullopt;
    }
    if (st.st_uid != ::geteuid()) {
      error = fmt::format(
          "{}: the CA private key belongs to user id {}, not to the user edugate runs as ({}); "
          "chown it",
          key_path, st.st_uid, ::geteuid());
      return std::nullopt;
    }
  }
  {
    BioPtr bio(BIO_new_file(key_path.c_str(), "r"));
    // An empty passphrase callback: an encrypted key fails instead of prompting on a terminal.
    auto no_password = [](char*, int, int, void*) { return 0; };
    if (bio) ca.key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
    if (!ca.key) {
      ERR_clear_error();
      error = fmt::format("{}: cannot read an unencrypted PEM private key", key_path);
      return std::nullopt;
    }
  }
  if (const auto why = check_ca_certificate(ca.cert.get(), ca.key.get(), now); !why.empty()) {
    error = fmt::format("{}: {}", cert_path, why);
    return std::nullopt;
  }
  return ca;
}

std::string describe_certificate(X509* cert) {
  char cn[256] = "";
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::string fp;
  if (X509_digest(cert, EVP_sha256(), md, &len) == 1) {
    for (unsigned i = 0; i < len; ++i) fp += fmt::format("{}{:02X}", i ? ":" : "", md[i]);
  }
  return fmt::format("\"{}\" (SHA-256 {})", cn, fp);
}

}  // namespace edugate::proxy::inspect
