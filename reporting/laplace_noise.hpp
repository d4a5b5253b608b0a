#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "reporting/report.hpp"

namespace edugate::reporting {

/// Fills its argument with cryptographically secure random bytes; false on failure.
using RandomBytes = std::function<bool(std::span<std::uint8_t>)>;

/// OpenSSL's RAND_bytes (a CSPRNG). Thread-safe.
bool openssl_random_bytes(std::span<std::uint8_t> out);

/// Published values one request can change: its cell, its category row total, its group column
/// total, its action total, its group's request total, the day's request total, and its domain's
/// row in the top-domains list.
inline constexpr double kRequestSensitivity = 7.0;

/// One draw from Laplace(0, scale) by inverse CDF on 53 random bits. nullopt if `random` fails.
std::optional<double> laplace_sample(double scale, const RandomBytes& random);

/// Adds calibrated Laplace noise to every unsuppressed value of `report`: scale
/// b = kRequestSensitivity / epsilon_per_week, so the release is epsilon-differentially private
/// per request for each week (a request only affects values of its own day, and the domain rows
/// count each request once). Values are rounded and clamped at 0 (post-processing). Suppression
/// must already have been applied: it is decided on true device counts and is not part of the
/// noise guarantee. Records the parameters in report.privacy. Returns false (report unchanged)
/// when the random source fails. epsilon_per_week > 0.
bool add_laplace_noise(Report& report, double epsilon_per_week, const RandomBytes& random);

}  // namespace edugate::reporting
