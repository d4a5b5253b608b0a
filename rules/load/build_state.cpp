#include "rules/load/build_state.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace edugate::rules::load {

std::uint16_t BuildState::source(const std::string& path) {
  auto& sources = out->sources;
  for (std::size_t i = sources.size(); i > 0; --i)
    if (sources[i - 1] == path) return static_cast<std::uint16_t>(i - 1);
  if (sources.size() >= 0xfffe) throw std::length_error("more than 65,534 rule and list files");
  sources.push_back(path);
  return static_cast<std::uint16_t>(sources.size() - 1);
}

RuleId BuildState::add_rule(compiled::StoredRule rule) {
  out->rules.push_back(std::move(rule));
  return static_cast<RuleId>(out->rules.size() - 1);
}

std::uint32_t BuildState::add_reason(std::string text) {
  out->reasons.push_back(std::move(text));
  return static_cast<std::uint32_t>(out->reasons.size() - 1);
}

namespace {
std::string file_of(const compiled::Compiled& out, const Pos& at) {
  return at.source < out.sources.size() ? out.sources[at.source] : std::string("<rules>");
}
}  // namespace

void BuildState::error(const Pos& at, std::string message) {
  diags.push_back({file_of(*out, at), static_cast<int>(at.line), static_cast<int>(at.column),
                   std::move(message)});
}

void BuildState::warning(const Pos& at, std::string message) {
  Diagnostic d{file_of(*out, at), static_cast<int>(at.line), static_cast<int>(at.column),
               std::move(message)};
  d.severity = Severity::warning;
  diags.push_back(std::move(d));
}

}  // namespace edugate::rules::load
