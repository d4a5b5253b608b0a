#include "proxy/policy/warn_pass.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace edugate::proxy::policy {

namespace {
constexpr std::size_t kMacHexDigits = 32;  // 128 bits of the SHA-256 HMAC
}

std::optional<WarnPass::Key> WarnPass::read_key_file(const std::string& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    error = fmt::format("warn_pass_key_file {}: {}", path, std::strerror(errno));
    return std::nullopt;
  }
  struct stat st {};
  char text[80] = {};
  const bool is_file = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  const auto n = is_file ? ::read(fd, text, sizeof text) : -1;
  ::close(fd);
  if (!is_file) {
    error = fmt::format("warn_pass_key_file {}: not a regular file", path);
    return std::nullopt;
  }
  if ((st.st_mode & 0037) != 0) {
    error = fmt::format(
        "warn_pass_key_file {}: mode {:o} lets others read or change the key that forges warn "
        "passes: chmod 600 (or 640, group edugate)",
        path, st.st_mode & 0777);
    return std::nullopt;
  }
  std::string_view hex(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  if (!hex.empty() && hex.back() == '\n') hex.remove_suffix(1);
  Key key{};
  bool ok = hex.size() == key.size() * 2;
  for (std::size_t i = 0; ok && i < key.size(); ++i)
    ok = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, key[i], 16).ptr ==
         hex.data() + 2 * i + 2;
  if (!ok) {
    error = fmt::format(
        "warn_pass_key_file {}: must hold 64 hex digits (make it with: openssl rand -hex 32)",
        path);
    return std::nullopt;
  }
  return key;
}

WarnPass::WarnPass() {
  if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1)
    throw std::runtime_error("no randomness for the warn-pass key");
}

std::string WarnPass::mac(Purpose purpose, std::string_view host, long long expiry) const {
  const auto message = fmt::format("{}|{}|{}", static_cast<char>(purpose), host, expiry);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  std::string hex;
  hex.reserve(kMacHexDigits);
  for (std::size_t i = 0; i < kMacHexDigits / 2; ++i)
    fmt::format_to(std::back_inserter(hex), "{:02x}", digest[i]);
  return hex;
}

std::string WarnPass::issue(Purpose purpose, std::string_view host,
                            std::chrono::system_clock::time_point expiry) const {
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(expiry.time_since_epoch()).count();
  return fmt::format("{}.{}", seconds, mac(purpose, host, seconds));
}

bool WarnPass::valid(Purpose purpose, std::string_view token, std::string_view host,
                     std::chrono::system_clock::time_point now) const {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || token.size() - dot - 1 != kMacHexDigits) return false;
  long long expiry = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + dot, expiry);
  if (ec != std::errc{} || end != token.data() + dot) return false;
  // Compared in seconds: the expiry comes from the pupil, and as a time_point (nanoseconds) a
  // large one overflowed (undefined behaviour, found by gate_fuzz) before the MAC was checked.
  if (expiry <= std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count())
    return false;
  const auto expected = mac(purpose, host, expiry);
  return CRYPTO_memcmp(expected.data(), token.data() + dot + 1, kMacHexDigits) == 0;
}

}  // namespace edugate::proxy::policy
