#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace edugate::proxy::tls {

/// The TLS server context of edugate's own listeners (the admin listener, the department
/// service): TLS 1.2 and later, the certificate chain and private key from PEM files. Throws
/// std::runtime_error naming `what` and both files when either cannot be loaded.
std::unique_ptr<boost::asio::ssl::context> server_context(const std::string& cert_chain,
                                                          const std::string& key,
                                                          const std::string& what);

}  // namespace edugate::proxy::tls
