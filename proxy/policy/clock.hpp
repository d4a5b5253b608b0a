#pragma once

#include <chrono>
#include <string>

namespace edugate::proxy::policy {

/// Where the proxy reads the time. Injected so that tests can move time (schedules take effect
/// at their boundary minute without a reload). Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

/// For tests only (`edugate run --test-clock FILE`): the time is read from FILE at every call,
/// as Unix seconds; when the file is missing or malformed the system clock is used.
class FileClock final : public Clock {
 public:
  explicit FileClock(std::string path) : path_(std::move(path)) {}
  std::chrono::system_clock::time_point now() const override;

 private:
  std::string path_;
};

}  // namespace edugate::proxy::policy
