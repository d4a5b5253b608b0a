#pragma once

#include "rules/decision.hpp"
#include "rules/request_facts.hpp"
#include "rules/rule_set.hpp"

namespace edugate::rules {

/// Decides one request against a compiled rule set.
///
/// Looks at facts.host and, when it differs, facts.sni (a CONNECT host / SNI mismatch is blocked
/// if either name is blocked); for non-CONNECT requests also the URL prefixes, the URL regexes
/// (over "host[:port]/path?query") and, for known search engines, the folded search keywords.
/// An IP-literal host matches the built-in `bare-ip` category. Precedence, strongest first:
///   mandatory block > school exception > block > warn > allow,
/// where each matched category's action comes from the group's policy at facts.at (schedules
/// included). An allowed request to a search engine of a group with safe search on yields
/// Action::safe_search (see safe_search_rewrite()).
///
/// Fail closed: if the URL regexes cannot be evaluated (RE2 out of memory) or the URL is longer
/// than compiled::kMaxRegexText, the request is blocked with a reason saying so.
///
/// Pure: no I/O, no clock, no global state; the result's `reason` points into `rules`.
/// Thread-safe: any number of threads may decide on the same RuleSet at once. No allocation,
/// except inside the normalisation library's search-term extraction for search-engine URLs when
/// the rule set has keywords (see README) and RE2's own DFA state cache.
/// Precondition: facts.host is normalised (normalize_host form); an out-of-range facts.group is
/// read as kDefaultGroup.
Decision decide(const RuleSet& rules, const RequestFacts& facts);

}  // namespace edugate::rules
