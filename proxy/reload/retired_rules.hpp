#pragma once

#include <memory>

#include "rules/rule_set.hpp"

namespace edugate::proxy::server {

/// `rules`, shared so that its last release — wherever that happens: usually on a worker, when
/// the last request that used an old rule set ends after a reload or a bundle update — only hands
/// it to a short-lived background thread, which frees it. Freeing a compiled rule set returns
/// millions of small blocks for the public lists, tens to hundreds of milliseconds that no worker
/// may spend. Null stays null.
std::shared_ptr<const rules::RuleSet> freed_in_background(
    std::shared_ptr<const rules::RuleSet> rules);

}  // namespace edugate::proxy::server
