#include "proxy/inspect/inspector.hpp"

#include <boost/asio/io_context.hpp>
#include <stdexcept>

#include "proxy/inspect/ca_store.hpp"
#include "proxy/inspect/tls_contexts.hpp"

namespace edugate::proxy::inspect {

void InspectorDeleter::operator()(Inspector* p) const noexcept { delete p; }

Inspector::Inspector(const Config& config, SchoolCa ca, boost::asio::io_context& io,
                     Metrics& metrics, boost::asio::ssl::context client_facing,
                     boost::asio::ssl::context upstream)
    : client_facing_(std::move(client_facing)),
      upstream_(std::move(upstream)),
      leaves_(std::move(ca), generate_p256_key(), config.inspection.cert_cache, io.get_executor(),
              metrics),
      fallback_(config.inspection.fallback_hosts, config.inspection.fallback_ttl),
      pool_(config.limits.max_idle_upstream_per_host, config.limits.max_idle_upstream,
            config.timeouts.upstream_idle, &metrics.upstream_stray_bytes) {
  if (!leaves_.leaf_key()) throw std::runtime_error("inspection: cannot make a P-256 leaf key");
}

InspectorPtr make_inspector(const Config& config, std::chrono::system_clock::time_point now,
                            boost::asio::io_context& io, Metrics& metrics) {
  const auto& c = config.inspection;
  if (!c.enabled) return nullptr;
  std::string error;
  auto ca = load_school_ca(c.ca_cert, c.ca_key, now, error);
  if (!ca) throw std::runtime_error("inspection: " + error);
  SslCtxPtr facing = make_client_facing_context();
  if (!facing) throw std::runtime_error("inspection: cannot create the client-facing TLS context");
  SslCtxPtr upstream = make_upstream_context(c.upstream_ca, error);
  if (!upstream) throw std::runtime_error("inspection: " + error);
  // asio's context takes ownership of the native handle.
  boost::asio::ssl::context facing_ctx(facing.release());
  boost::asio::ssl::context upstream_ctx(upstream.release());
  return InspectorPtr(new Inspector(config, std::move(*ca), io, metrics, std::move(facing_ctx),
                                    std::move(upstream_ctx)));
}

}  // namespace edugate::proxy::inspect
