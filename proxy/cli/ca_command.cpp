#include <fmt/format.h>

#include <chrono>
#include <filesystem>

#include "proxy/cli/commands.hpp"
#include "proxy/inspect/ca_store.hpp"
#include "proxy/inspect/school_ca.hpp"

namespace edugate::cli {

namespace {

struct CaInitOptions {
  std::string out;
  std::string name;
};

int ca_init(const CaInitOptions& o) {
  namespace inspect = proxy::inspect;
  inspect::SchoolCa ca;
  ca.key = inspect::generate_p256_key();
  if (ca.key)
    ca.cert = inspect::make_ca_certificate(ca.key.get(), o.name, std::chrono::system_clock::now(),
                                           inspect::random_serial());
  if (!ca.cert) {
    fmt::print(stderr, "edugate ca init: OpenSSL could not make the CA\n");
    return 1;
  }
  std::string error;
  if (!inspect::write_school_ca(ca, o.out, error)) {
    fmt::print(stderr, "edugate ca init: {}\n", error);
    return 1;
  }
  const std::filesystem::path dir(o.out);
  fmt::print(
      "school CA {} written:\n"
      "  {}  certificate (PEM): put it on the pupils' devices (README: HTTPS inspection)\n"
      "  {}  the same certificate (DER), for Windows, Android and ChromeOS\n"
      "  {}  private key (mode 0600): only edugate may read it; never copy it to a device\n"
      "then in edugate.yaml:\n"
      "  inspection:\n    ca_cert: {}\n    ca_key: {}\n",
      inspect::describe_certificate(ca.cert.get()), (dir / inspect::kCaCertPem).string(),
      (dir / inspect::kCaCertDer).string(), (dir / inspect::kCaKeyPem).string(),
      (dir / inspect::kCaCertPem).string(), (dir / inspect::kCaKeyPem).string());
  return 0;
}

}  // namespace

void add_ca_command(CLI::App& app) {
  auto* ca = app.add_subcommand("ca", "The school CA for HTTPS inspection");
  ca->require_subcommand(1);
  auto* init = ca->add_subcommand(
      "init", "Make a school CA (ECDSA P-256, 10 years): certificate and 0600 private key");
  auto o = std::make_shared<CaInitOptions>();
  init->add_option("--out", o->out, "Directory to write school-ca.{pem,crt,key} into")->required();
  init->add_option("--name", o->name, "The school's name, shown in the CA's subject");
  init->callback([o] {
    if (const int rc = ca_init(*o); rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace edugate::cli
