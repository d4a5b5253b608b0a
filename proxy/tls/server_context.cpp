#include "proxy/tls/server_context.hpp"

#include <boost/asio/ssl/context.hpp>
#include <stdexcept>

namespace edugate::proxy::tls {

std::unique_ptr<boost::asio::ssl::context> server_context(const std::string& cert_chain,
                                                          const std::string& key,
                                                          const std::string& what) {
  namespace ssl = boost::asio::ssl;
  auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  boost::system::error_code ec;
  tls->use_certificate_chain_file(cert_chain, ec);
  if (!ec) tls->use_private_key_file(key, ssl::context::pem, ec);
  if (ec)
    throw std::runtime_error(what + " tls: cannot load " + cert_chain + " / " + key + ": " +
                             ec.message());
  return tls;
}

}  // namespace edugate::proxy::tls
