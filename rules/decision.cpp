#include "rules/decision.hpp"

namespace edugate::rules {

std::string_view to_string(Action action) noexcept {
  switch (action) {
    case Action::allow:
      return "allow";
    case Action::block:
      return "block";
    case Action::warn:
      return "warn";
    case Action::safe_search:
      return "safe_search";
    case Action::would_block:
      return "would_block";
  }
  return "unknown";
}

}  // namespace edugate::rules
