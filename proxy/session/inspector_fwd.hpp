#pragma once

// What the worker context needs to own a worker's inspection state without including it.

#include <chrono>
#include <memory>

namespace boost::asio {
class io_context;
}

namespace edugate::proxy {
struct Config;
struct Metrics;
}  // namespace edugate::proxy

namespace edugate::proxy::inspect {

class Inspector;

struct InspectorDeleter {
  void operator()(Inspector* p) const noexcept;
};
using InspectorPtr = std::unique_ptr<Inspector, InspectorDeleter>;

/// A worker's inspection state when the config has an `inspection:` section, else nullptr.
/// Loads and checks the school CA (valid at `now`), makes the worker's leaf key and TLS
/// contexts. Throws std::runtime_error with a message for the admin (file and problem, never
/// key material) when inspection is configured but cannot work.
InspectorPtr make_inspector(const Config& config, std::chrono::system_clock::time_point now,
                            boost::asio::io_context& io, Metrics& metrics);

}  // namespace edugate::proxy::inspect
