// `edugate portal code`: a teacher code for the teacher page (http://edugate.lan/mo-khoa) and the
// hash that goes into portal.teacher_codes (the config never holds a usable code).
#include <fmt/format.h>
#include <openssl/rand.h>

#include <memory>

#include "proxy/cli/commands.hpp"
#include "proxy/policy/teacher_code.hpp"
#include "reporting/bearer_token.hpp"

namespace edugate::cli {

void add_portal_commands(CLI::App& app) {
  auto* portal = app.add_subcommand("portal", "edugate's own pages: teacher codes");
  portal->require_subcommand(1);
  auto chosen = std::make_shared<std::string>();
  auto* code = portal->add_subcommand(
      "code", "Make a teacher code for portal.teacher_codes (or hash one with --code)");
  code->add_option("--code", *chosen, "Hash this code instead of making a new one");
  code->callback([chosen] {
    std::string text = *chosen;
    if (text.empty()) {
      // 12 random digits, shown in groups of four: about 40 bits, against 10 guesses a minute.
      unsigned char bytes[12];
      if (RAND_bytes(bytes, sizeof bytes) != 1) fail("the random number generator failed");
      for (std::size_t i = 0; i < sizeof bytes; ++i) {
        if (i && i % 4 == 0) text += '-';
        text += static_cast<char>('0' + bytes[i] % 10);
      }
      fmt::print("teacher code (give it to the teacher, shown once): {}\n", text);
    }
    fmt::print("config (portal.teacher_codes):                    {}\n",
               reporting::hash_token(proxy::policy::normalized_teacher_code(text)));
  });
}

}  // namespace edugate::cli
