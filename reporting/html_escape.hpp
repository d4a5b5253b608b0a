#pragma once

#include <string>
#include <string_view>

namespace edugate::reporting {

/// Escapes &, <, >, " and ' for HTML/SVG text and attribute values: the one escape of every
/// page edugate writes (reports, the status page, block and error pages). Pure.
std::string html_escape(std::string_view text);

}  // namespace edugate::reporting
