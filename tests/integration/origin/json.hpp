#pragma once

// Just enough JSON for the test origin's /headers and /sink replies.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace edugate::itest {

/// `text` as a JSON string literal, quotes included. Bytes outside printable ASCII are written
/// as \u00XX, so the result is valid JSON whatever the input (a byte reads back as Latin-1).
std::string json_string(std::string_view text);

/// A JSON object of header fields. Names are lower-cased; repeated names are joined with ", "
/// in the order received (as RFC 9110 §5.3 allows for list-valued fields).
std::string headers_json(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace edugate::itest
