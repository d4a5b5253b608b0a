#include "reporting/tallied.hpp"

#include <array>

namespace edugate::reporting {

namespace {

struct Names {
  std::string_view key, vi, en;
};

constexpr std::array<Names, kTalliedCount> kNames{{
    {"allow", "Cho phép", "Allowed"},
    {"block", "Bị chặn", "Blocked"},
    {"warn", "Cảnh báo", "Warned"},
    {"safe_search", "Tìm kiếm an toàn", "Safe search"},
    {"would_block", "Sẽ bị chặn (chỉ theo dõi)", "Would block (monitor only)"},
    {"review_request", "Yêu cầu xem xét lại", "Review requests"},
    {"site_report", "Báo cáo trang web", "Site reports"},
}};

const Names& names(Tallied t) noexcept { return kNames[static_cast<std::size_t>(t)]; }

}  // namespace

std::string_view to_string(Tallied t) noexcept { return names(t).key; }
std::string_view label_vi(Tallied t) noexcept { return names(t).vi; }
std::string_view label_en(Tallied t) noexcept { return names(t).en; }

std::optional<Tallied> parse_tallied(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i].key == text) return static_cast<Tallied>(i);
  return std::nullopt;
}

}  // namespace edugate::reporting
