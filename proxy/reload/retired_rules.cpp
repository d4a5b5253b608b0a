#include "proxy/reload/retired_rules.hpp"

#include <thread>

namespace edugate::proxy::server {

std::shared_ptr<const rules::RuleSet> freed_in_background(
    std::shared_ptr<const rules::RuleSet> rules) {
  if (!rules) return rules;
  const rules::RuleSet* raw = rules.get();
  return {raw, [holder = std::move(rules)](const rules::RuleSet*) mutable noexcept {
            try {
              std::thread([last = std::move(holder)]() mutable { last.reset(); }).detach();
            } catch (...) {
              holder.reset();  // no thread to be had: free it here rather than not at all
            }
          }};
}

}  // namespace edugate::proxy::server
