#pragma once

#include <string_view>

namespace edugate::reporting {

/// True when `id` can be a school id: 1..64 of [A-Za-z0-9._-], not starting with '.'. School ids
/// name key files (`<id>.pub`), so they must be safe as file names. Pure.
bool valid_school_id(std::string_view id) noexcept;

}  // namespace edugate::reporting
