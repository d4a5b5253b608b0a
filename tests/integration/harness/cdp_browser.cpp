#include "tests/integration/harness/cdp_browser.hpp"

#include <openssl/evp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

namespace edugate::itest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";
constexpr int kTimeoutSeconds = 30;

/// Every blocking read on `socket` gives up after kTimeoutSeconds.
void set_timeouts(tcp::socket& socket) {
  timeval tv{kTimeoutSeconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

std::string base64_decode(const std::string& text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) throw std::runtime_error("cdp: a screenshot that is not base64");
  std::size_t size = static_cast<std::size_t>(n);
  for (auto it = text.rbegin(); it != text.rend() && *it == '='; ++it) --size;
  out.resize(size);
  return out;
}

}  // namespace

struct CdpBrowser::Connection {
  asio::io_context io;
  beast::websocket::stream<tcp::socket> ws{io};
  int next_id = 1;

  void send(const json& message) {
    ws.text(true);
    ws.write(asio::buffer(message.dump()));
  }
  json read() {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return json::parse(beast::buffers_to_string(buffer.data()));
  }
  /// Sends a command and returns its result (events read meanwhile are dropped).
  json call(const std::string& method, json params = json::object()) {
    const int id = next_id++;
    send({{"id", id}, {"method", method}, {"params", std::move(params)}});
    for (;;) {
      auto message = read();
      if (message.value("id", 0) != id) continue;
      if (message.contains("error"))
        throw std::runtime_error("cdp: " + method + ": " + message["error"].dump());
      return message["result"];
    }
  }
  void wait_for_event(const std::string& method) {
    for (;;)
      if (read().value("method", "") == method) return;
  }
};

bool CdpBrowser::available() { return ::access(kChromium, X_OK) == 0; }

CdpBrowser::CdpBrowser(bool ignore_certificate_errors) {
  std::vector<std::string> argv = {kChromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--window-size=1200,1400",
                                   "--remote-debugging-address=127.0.0.1",
                                   "--remote-debugging-port=0",
                                   "--user-data-dir=" + profile_.path().string()};
  if (ignore_certificate_errors) argv.push_back("--ignore-certificate-errors");
  argv.push_back("about:blank");
  chromium_ = std::make_unique<Process>(ProcessOptions{argv, {}, {}});
  const auto line = chromium_->wait_for_line(
      Stream::err, std::regex("DevTools listening on ws://127\\.0\\.0\\.1:[0-9]+/"),
      milliseconds(kTimeoutSeconds * 1000));
  if (!line)
    throw std::runtime_error("cdp: chromium did not open its DevTools endpoint: " +
                             chromium_->output(Stream::err));
  std::smatch m;
  const std::regex port_re("127\\.0\\.0\\.1:([0-9]+)/");
  std::regex_search(*line, m, port_re);
  const std::string port = m[1];

  connection_ = std::make_unique<Connection>();
  auto& io = connection_->io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                               static_cast<unsigned short>(std::stoi(port)));
  // The page the browser opened, and its WebSocket.
  std::string page_path;
  for (int attempt = 0; attempt < 50 && page_path.empty(); ++attempt) {
    tcp::socket socket(io);
    socket.connect(endpoint);
    set_timeouts(socket);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, "/json/list", 11};
    req.set(bhttp::field::host, "127.0.0.1:" + port);
    bhttp::write(socket, req);
    beast::flat_buffer buffer;
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    for (const auto& target : json::parse(res.body()))
      if (target.value("type", "") == "page") {
        const std::string url = target.value("webSocketDebuggerUrl", "");
        const auto slash = url.find("/devtools/");
        if (slash != std::string::npos) page_path = url.substr(slash);
        break;
      }
    if (page_path.empty()) ::usleep(100'000);
  }
  if (page_path.empty()) throw std::runtime_error("cdp: chromium shows no page");
  auto& socket = beast::get_lowest_layer(connection_->ws);
  socket.connect(endpoint);
  set_timeouts(socket);
  connection_->ws.read_message_max(64u << 20);
  connection_->ws.handshake("127.0.0.1:" + port, page_path);
  connection_->call("Page.enable");
}

CdpBrowser::~CdpBrowser() {
  if (connection_) {
    boost::system::error_code ignored;
    beast::get_lowest_layer(connection_->ws).close(ignored);
  }
  if (chromium_) chromium_->terminate(milliseconds(3000));
}

void CdpBrowser::navigate(const std::string& url) {
  const auto r = connection_->call("Page.navigate", {{"url", url}});
  if (r.contains("errorText"))
    throw std::runtime_error("cdp: cannot load " + url + ": " + r["errorText"].dump());
  connection_->wait_for_event("Page.loadEventFired");
}

std::string CdpBrowser::evaluate(const std::string& expression) {
  const auto r =
      connection_->call("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}});
  if (r.contains("exceptionDetails"))
    throw std::runtime_error("cdp: " + expression + ": " + r["exceptionDetails"].dump());
  // An expression whose value is undefined (a form's submit()) has no "value".
  const auto& result = r.at("result");
  const auto value = result.find("value");
  if (value == result.end()) return {};
  return value->is_string() ? value->get<std::string>() : value->dump();
}

void CdpBrowser::evaluate_and_wait_for_load(const std::string& expression) {
  evaluate(expression);
  connection_->wait_for_event("Page.loadEventFired");
}

void CdpBrowser::screenshot(const std::filesystem::path& path) {
  const auto r = connection_->call("Page.captureScreenshot", {{"format", "png"}});
  std::ofstream(path, std::ios::binary) << base64_decode(r["data"].get<std::string>());
}

}  // namespace edugate::itest
