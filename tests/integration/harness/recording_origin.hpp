#pragma once

// An origin that records the raw bytes of each connection's first request (head and whatever
// follows until `quiet` passes without a byte, once the first byte came: within 5 s), then
// answers 200 "ok" and closes. For tests of
// what edugate sends upstream, byte for byte.

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/loopback_listener.hpp"

namespace edugate::itest {

class RecordingOrigin {
 public:
  explicit RecordingOrigin(std::chrono::milliseconds quiet = std::chrono::milliseconds(300))
      : quiet_(quiet) {
    thread_ = std::thread([this] {
      for (;;) {
        const int conn = ::accept(listener_.fd(), nullptr, nullptr);
        if (conn < 0) return;
        std::string got;
        char buf[4096];
        for (;;) {
          // The first byte may be slow to come on a loaded machine (it used to be taken for
          // an empty request after `quiet`); the quiet period counts only once bytes flow.
          pollfd p{conn, POLLIN, 0};
          const int wait = got.empty() ? 5000 : static_cast<int>(quiet_.count());
          if (::poll(&p, 1, wait) <= 0) break;
          const auto n = ::recv(conn, buf, sizeof buf, 0);
          if (n <= 0) break;
          got.append(buf, static_cast<std::size_t>(n));
        }
        {
          std::lock_guard lock(mutex_);
          requests_.push_back(got);
        }
        static constexpr char kOk[] =
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        [[maybe_unused]] const auto sent = ::send(conn, kOk, sizeof kOk - 1, MSG_NOSIGNAL);
        ::close(conn);
      }
    });
  }
  ~RecordingOrigin() {
    ::shutdown(listener_.fd(), SHUT_RDWR);
    thread_.join();
  }
  RecordingOrigin(const RecordingOrigin&) = delete;
  RecordingOrigin& operator=(const RecordingOrigin&) = delete;

  std::string authority() const { return "127.0.0.1:" + std::to_string(listener_.port()); }
  std::vector<std::string> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }

 private:
  std::chrono::milliseconds quiet_;
  LoopbackListener listener_;
  mutable std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;
};

}  // namespace edugate::itest
