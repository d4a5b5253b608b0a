#pragma once

#include <span>
#include <string_view>

namespace edugate::reporting::department {

/// The department database's migrations, oldest first: migration i (0-based) brings the schema
/// from version i to i + 1. Append only; never edit one that has shipped.
std::span<const std::string_view> department_migrations();

}  // namespace edugate::reporting::department
