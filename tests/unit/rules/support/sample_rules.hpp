#pragma once

#include <string_view>

namespace edugate::rules::testing {

/// A small department file used by several tests. Line numbers matter to the tests that assert
/// positions: keep them stable.
inline constexpr std::string_view kDepartment = R"(categories:
  - id: adult
    labels: {vi: "Người lớn", en: "Adult"}
    mandatory: true
    domains: [porn.example, xxx.test]
    keywords: ["phim sex"]
  - id: games
    labels: {vi: "Trò chơi", en: "Games"}
    domains: [roblox.com, minecraft.net]
    urls: [news.example/games]
  - id: social
    labels: {vi: "Mạng xã hội", en: "Social networks"}
    domains: [facebook.com]
  - id: gambling
    labels: {vi: "Cờ bạc", en: "Gambling"}
    mandatory: true
    regexes: ['(^|[./-])bet[0-9]{2,4}\.']
    keywords: ["cờ bạc", "cá độ bóng đá"]
  - id: video
    labels: {vi: "Video", en: "Video"}
    domains: [video.example]
schedules:
  - id: school-hours
    windows:
      - {days: mon-fri, from: "07:00", to: "16:30"}
profiles:
  tieu-hoc:
    block: [social]
    warn: [video]
    scheduled:
      - {category: games, action: block, during: school-hours}
  staff:
    allow: [bare-ip]
    safe_search: {enabled: false}
)";

/// A school file on top of kDepartment: groups primary (1), teens (2), staff (3).
inline constexpr std::string_view kSchool = R"(categories:
  - id: local
    labels: {vi: "Trường chặn", en: "School blocked"}
    domains: [twitch.tv]
groups:
  - id: primary
    labels: {vi: "Tiểu học", en: "Primary"}
    age: tieu-hoc
    networks: [10.20.0.0/16, "fd00:20::/48"]
    exceptions:
      domains: [edu.roblox.com]
  - id: teens
    labels: {vi: "THPT", en: "Upper secondary"}
    age: thpt
    networks: [10.40.0.0/16]
    policy:
      block: [local]
      warn: [social]
      safe_search: {enabled: true, youtube: moderate}
  - id: staff
    labels: {vi: "Giáo viên", en: "Staff"}
    age: staff
    networks: [10.90.0.0/24, 10.40.7.0/24]
default_group:
  age: tieu-hoc
exceptions:
  domains: [school.facebook.com]
  urls: [video.example/lessons]
)";

}  // namespace edugate::rules::testing
