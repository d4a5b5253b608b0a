#include "reporting/laplace_noise.hpp"

#include <openssl/rand.h>

#include <array>
#include <cmath>
#include <vector>

namespace edugate::reporting {

namespace {

std::uint64_t noisy(std::uint64_t value, double noise) {
  const double v = std::round(static_cast<double>(value) + noise);
  return v <= 0 ? 0 : static_cast<std::uint64_t>(v);
}

}  // namespace

bool openssl_random_bytes(std::span<std::uint8_t> out) {
  return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

std::optional<double> laplace_sample(double scale, const RandomBytes& random) {
  std::array<std::uint8_t, 8> bytes{};
  if (!random(bytes)) return std::nullopt;
  std::uint64_t bits = 0;
  for (const auto b : bytes) bits = (bits << 8) | b;
  // u uniform in (-0.5, 0.5), never exactly ±0.5 so the logarithm stays finite.
  const double u = (static_cast<double>(bits >> 11) + 0.5) / 9007199254740992.0 - 0.5;
  const double magnitude = -scale * std::log1p(-2.0 * std::abs(u));
  return u < 0 ? -magnitude : magnitude;
}

bool add_laplace_noise(Report& report, double epsilon_per_week, const RandomBytes& random) {
  const double scale = kRequestSensitivity / epsilon_per_week;
  std::vector<double> draws;
  for (std::size_t i = 0; i < report.entries.size() + report.top_domains.size(); ++i) {
    const auto d = laplace_sample(scale, random);
    if (!d) return false;
    draws.push_back(*d);
  }
  std::size_t n = 0;
  for (auto& e : report.entries) {
    const double d = draws[n++];
    if (!e.suppressed) e.requests = noisy(e.requests, d);
  }
  for (auto& e : report.top_domains) {
    const double d = draws[n++];
    if (!e.suppressed) e.requests = noisy(e.requests, d);
  }
  report.privacy.noise = true;
  report.privacy.epsilon_per_week = epsilon_per_week;
  report.privacy.sensitivity = kRequestSensitivity;
  report.privacy.scale = scale;
  for (auto& s : report.schools) s.privacy = report.privacy;
  return true;
}

}  // namespace edugate::reporting
