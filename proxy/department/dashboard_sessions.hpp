#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace edugate::proxy::department {

/// Signed-in dashboard sessions: a random 256-bit id in a Secure, HttpOnly, SameSite=Strict
/// cookie, held in memory only (a restart signs everyone out). Looked up by the id's SHA-256, so
/// the time a lookup takes says nothing about a stored id. A session ends after `idle` without
/// a request or `lifetime` after sign-in, whichever comes first; past `capacity` sessions the
/// oldest is ended. Not thread-safe: the service's network thread owns it.
class DashboardSessions {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::string_view kCookie = "edugate_department_session";

  DashboardSessions(std::size_t capacity = 256, std::chrono::seconds idle = std::chrono::hours(2),
                    std::chrono::seconds lifetime = std::chrono::hours(12))
      : capacity_(capacity), idle_(idle), lifetime_(lifetime) {}

  /// A new session; returns its id (64 hex digits), "" if the CSPRNG failed.
  std::string open(Clock::time_point now);
  /// True when `id` is a live session (and marks it used now).
  bool check(std::string_view id, Clock::time_point now);
  void close(std::string_view id);
  std::size_t size() const { return sessions_.size(); }

  /// The session id in a Cookie header's value, "" when there is none.
  static std::string id_in(std::string_view cookie_header);

 private:
  struct Session {
    Clock::time_point opened, used;
  };
  void expire(Clock::time_point now);
  std::size_t capacity_;
  std::chrono::seconds idle_, lifetime_;
  std::map<std::string, Session> sessions_;  ///< by sha256 of the id
};

}  // namespace edugate::proxy::department
