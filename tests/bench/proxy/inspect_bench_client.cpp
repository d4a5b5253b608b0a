// Load generator for the inspection benchmark (tests/bench/proxy/inspect_bench.sh): TLS clients
// on blocking sockets, either straight to a TLS origin or through edugate with CONNECT.
//
//   edugate_inspect_bench_client --mode handshake|download --target IP:PORT [--proxy IP:PORT]
//       --name HOST --cacert CA.pem [--path /bytes/0] [--seconds 5] [--threads 2]
//
// handshake: a new TCP connection and a full TLS handshake (no resumption) per request, one
//            small GET, then close — new TLS connections per second.
// download:  one TLS connection per thread, GET PATH over and over on keep-alive — MB/s.
// Every certificate is verified against CA.pem for HOST. Prints one line of figures, including
// the client's own CPU time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  std::string mode = "handshake";
  std::string target, proxy, name, cacert;
  std::string path = "/bytes/0";
  double seconds = 5;
  int threads = 2;
};

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "inspect_bench_client: %s\n", what);
  ERR_print_errors_fp(stderr);
  std::exit(1);
}

int connect_to(const std::string& ip_port) {
  const auto colon = ip_port.rfind(':');
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(std::stoi(ip_port.substr(colon + 1))));
  if (inet_pton(AF_INET, ip_port.substr(0, colon).c_str(), &a.sin_addr) != 1) die("bad address");
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) die("connect failed");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/// CONNECT name:443 and read the proxy's 200.
void tunnel(int fd, const std::string& name) {
  const std::string req = "CONNECT " + name + ":443 HTTP/1.1\r\nHost: " + name + ":443\r\n\r\n";
  if (::write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) die("write");
  std::string head;
  char c;
  while (head.find("\r\n\r\n") == std::string::npos && ::read(fd, &c, 1) == 1) head += c;
  if (head.rfind("HTTP/1.1 200", 0) != 0) die("CONNECT refused");
}

/// Sends GET and reads one response; returns the body size.
std::size_t exchange(SSL* ssl, const Options& o, bool close, std::vector<char>& buf) {
  const std::string req = "GET " + o.path + " HTTP/1.1\r\nHost: " + o.name + "\r\n" +
                          (close ? "Connection: close\r\n" : "") + "\r\n";
  if (SSL_write(ssl, req.data(), static_cast<int>(req.size())) <= 0) die("SSL_write");
  std::string head;
  std::size_t body = 0, want = 0;
  for (;;) {
    const int n = SSL_read(ssl, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) die("SSL_read (response)");
    if (want == 0 && head.size() < 65536) {
      head.append(buf.data(), static_cast<std::size_t>(n));
      const auto end = head.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      const auto cl = head.find("Content-Length: ");
      if (cl == std::string::npos || head.rfind("HTTP/1.1 200", 0) != 0) die("bad response");
      want = std::strtoull(head.c_str() + cl + 16, nullptr, 10) + 1;  // +1: 0 means unknown
      body = head.size() - end - 4;
    } else {
      body += static_cast<std::size_t>(n);
    }
    if (want != 0 && body >= want - 1) return body;
  }
}

SSL* open_tls(SSL_CTX* ctx, const Options& o) {
  const int fd = connect_to(o.proxy.empty() ? o.target : o.proxy);
  if (!o.proxy.empty()) tunnel(fd, o.name);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, o.name.c_str());
  SSL_set1_host(ssl, o.name.c_str());
  if (SSL_connect(ssl) != 1 || SSL_get_verify_result(ssl) != X509_V_OK) die("TLS handshake");
  return ssl;
}

void close_tls(SSL* ssl) {
  const int fd = SSL_get_fd(ssl);
  SSL_free(ssl);
  ::close(fd);
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--mode")
      o.mode = v;
    else if (k == "--target")
      o.target = v;
    else if (k == "--proxy")
      o.proxy = v;
    else if (k == "--name")
      o.name = v;
    else if (k == "--cacert")
      o.cacert = v;
    else if (k == "--path")
      o.path = v;
    else if (k == "--seconds")
      o.seconds = std::stod(v);
    else if (k == "--threads")
      o.threads = std::stoi(v);
    else
      die("unknown option");
  }
  if (o.target.empty() && o.proxy.empty()) die("--target or --proxy is required");
  if (o.name.empty() || o.cacert.empty()) die("--name and --cacert are required");
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_load_verify_locations(ctx, o.cacert.c_str(), nullptr) != 1) die("cacert");
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);  // every handshake in full
  SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
  static const unsigned char kAlpn[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn);
  const bool handshake = o.mode == "handshake";
  std::atomic<std::uint64_t> done{0}, bytes{0};
  const double cpu0 = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  const auto until = start + std::chrono::duration<double>(o.seconds);
  std::vector<std::thread> threads;
  for (int t = 0; t < o.threads; ++t) {
    threads.emplace_back([&] {
      std::vector<char> buf(256 * 1024);
      SSL* keep = handshake ? nullptr : open_tls(ctx, o);
      while (std::chrono::steady_clock::now() < until) {
        SSL* ssl = keep ? keep : open_tls(ctx, o);
        bytes += exchange(ssl, o, handshake, buf);
        ++done;
        if (!keep) close_tls(ssl);
      }
      if (keep) close_tls(keep);
    });
  }
  for (auto& t : threads) t.join();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu0;
  std::printf(
      "mode=%s via=%s requests=%llu wall_s=%.2f per_s=%.1f MB_per_s=%.1f client_cpu_s=%.2f\n",
      o.mode.c_str(), o.proxy.empty() ? "direct" : "edugate",
      static_cast<unsigned long long>(done.load()), wall, done.load() / wall,
      bytes.load() / wall / 1e6, cpu);
  SSL_CTX_free(ctx);
  return 0;
}
