#include "reporting/department/demo_reports.hpp"

#include <fmt/format.h>

#include <array>
#include <random>
#include <stdexcept>

#include "reporting/report.hpp"
#include "reporting/report_json.hpp"
#include "reporting/report_signature.hpp"
#include "reporting/signing.hpp"

namespace edugate::reporting::department {

namespace {

constexpr std::array kDistricts = {"Quận 1",           "Quận 3",        "Quận 5",
                                   "Quận 7",           "Quận 10",       "Quận Bình Thạnh",
                                   "Quận Gò Vấp",      "Quận Tân Bình", "TP. Thủ Đức",
                                   "Huyện Bình Chánh", "Huyện Củ Chi",  "Huyện Cần Giờ"};
constexpr std::array kNames = {"Nguyễn Du",  "Lê Quý Đôn", "Trần Phú",       "Lê Lợi",
                               "Hùng Vương", "Chu Văn An", "Quang Trung",    "Nguyễn Trãi",
                               "Võ Thị Sáu", "Kim Đồng",   "Lương Thế Vinh", "Bạch Đằng"};
struct Level {
  const char* band;
  const char* prefix;
  const char* id;
};
constexpr std::array kLevels = {Level{"tieu-hoc", "Trường Tiểu học", "th"},
                                Level{"thcs", "Trường THCS", "thcs"},
                                Level{"thpt", "Trường THPT", "thpt"}};
struct Category {
  const char* key;
  const char* vi;
  const char* en;
  int weight;
};
constexpr std::array kCategories = {Category{"tro-choi", "Trò chơi trực tuyến", "Online games", 50},
                                    Category{"mang-xa-hoi", "Mạng xã hội", "Social networks", 30},
                                    Category{"nguoi-lon", "Nội dung người lớn", "Adult", 8},
                                    Category{"co-bac", "Cờ bạc", "Gambling", 4},
                                    Category{"bao-luc", "Bạo lực", "Violence", 3}};

}  // namespace

std::vector<DemoSchool> demo_schools(const DemoOptions& options) {
  std::mt19937_64 rng(options.seed);
  std::vector<DemoSchool> out;
  out.reserve(static_cast<std::size_t>(options.schools));
  for (int i = 0; i < options.schools; ++i) {
    const auto& level = kLevels[static_cast<std::size_t>(i) % kLevels.size()];
    DemoSchool s;
    s.id = fmt::format("{}-{:04}", level.id, i + 1);
    s.name = fmt::format("{} {} {}", level.prefix, kNames[rng() % kNames.size()], i + 1);
    s.district = kDistricts[rng() % kDistricts.size()];
    s.levels = {level.band};
    std::string error;
    s.key = generate_ed25519(&error);
    if (!s.key) throw std::runtime_error(error);
    s.public_key_pem = public_key_pem(s.key.get(), &error).value_or("");
    out.push_back(std::move(s));
  }
  return out;
}

std::string demo_report(const DemoSchool& school, LocalDay day, std::uint64_t seed) {
  const auto week = iso_week_of(day);
  const auto period = *parse_iso_week(week);
  std::mt19937_64 rng(seed ^ std::hash<std::string>{}(school.id + week));
  Report r;
  r.period = period;
  r.iso_week = week;
  r.generator = "edugate demo";
  SchoolInfo info;
  info.id = school.id;
  info.name = school.name;
  info.nodes = {"node-1"};
  info.privacy.k = 10;
  info.department_bundles = {{{"12", "update", true}, period.from, period.to}};
  r.schools.push_back(info);
  r.privacy.k = 10;
  r.rule_set_versions = {"demo"};
  for (const auto& c : kCategories) r.categories[c.key] = {c.key, c.vi, c.en};
  const std::string band = school.levels.empty() ? "thcs" : school.levels.front();
  r.groups["hoc-sinh"] = {"hoc-sinh", "Học sinh", band};
  r.groups["giao-vien"] = {"giao-vien", "Giáo viên", "staff"};
  const int size = 200 + static_cast<int>(rng() % 800);  // pupils' devices at the school
  for (LocalDay d = period.from; d <= period.to; ++d) {
    if (iso_weekday(d) >= 6) continue;  // schools are closed at the weekend
    std::uint64_t day_total = 0;
    for (const auto& c : kCategories) {
      for (const char* group : {"hoc-sinh", "giao-vien"}) {
        const bool staff = std::string_view(group) == "giao-vien";
        const auto mean = (staff ? 0.02 : 0.3) * size * c.weight / 100.0;
        std::poisson_distribution<int> requests(mean > 0 ? mean : 0.1);
        const auto n = static_cast<std::uint64_t>(requests(rng));
        const auto devices = std::min<std::uint64_t>(n, 3 + rng() % 40);
        ReportEntry e{d, "block", c.key, group, n, devices, devices < 10, 0};
        if (!e.suppressed) day_total += n;
        r.entries.push_back(e);
      }
    }
    r.entries.push_back({d, "block", "*", "*", day_total, 50, false, 0});
  }
  auto doc = report_to_json(r);
  std::string error;
  if (!sign_report(doc, school.key.get(), &error)) throw std::runtime_error(error);
  return doc.dump();
}

}  // namespace edugate::reporting::department
