#pragma once

// Headless Chromium driven through the DevTools protocol, for pages a test must sign in to or
// click through (--dump-dom only loads one URL). The browser runs with a private profile and
// the flags that keep it off the network; the test talks to its page over a local WebSocket.

#include <filesystem>
#include <memory>
#include <string>

#include "tests/integration/harness/process.hpp"
#include "tests/integration/harness/temp_dir.hpp"

namespace edugate::itest {

class CdpBrowser {
 public:
  /// Starts /usr/bin/chromium headless. `ignore_certificate_errors` for a test's own CA.
  /// Throws std::runtime_error when the browser or its DevTools endpoint does not come up.
  explicit CdpBrowser(bool ignore_certificate_errors = true);
  ~CdpBrowser();
  CdpBrowser(const CdpBrowser&) = delete;
  CdpBrowser& operator=(const CdpBrowser&) = delete;

  static bool available();

  /// Loads `url` and waits for its load event.
  void navigate(const std::string& url);
  /// Runs `expression` in the page and returns its value as text (JSON for non-strings).
  std::string evaluate(const std::string& expression);
  /// Runs `expression` (which navigates: a form submission, a click) and waits for the next
  /// page's load event.
  void evaluate_and_wait_for_load(const std::string& expression);
  /// The page's DOM as HTML.
  std::string html() { return evaluate("document.documentElement.outerHTML"); }
  /// A PNG of the viewport, written to `path`.
  void screenshot(const std::filesystem::path& path);

 private:
  struct Connection;
  TempDir profile_{"edugate-cdp"};
  std::unique_ptr<Process> chromium_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace edugate::itest
