#include "reporting/report_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "reporting/tallied.hpp"

namespace edugate::reporting {

namespace {

const CategoryLabel* find_category(const Report& r, const std::string& key) {
  const auto it = r.categories.find(key);
  return it == r.categories.end() ? nullptr : &it->second;
}

}  // namespace

std::string category_vi(const Report& r, const std::string& key) {
  if (key == "*") return "Tất cả danh mục";
  if (const auto* c = find_category(r, key); c && !c->vi.empty()) return c->vi;
  return key.empty() ? "Không phân loại" : key;
}

std::string category_en(const Report& r, const std::string& key) {
  if (key == "*") return "All categories";
  if (const auto* c = find_category(r, key); c && !c->en.empty()) return c->en;
  return key.empty() ? "Uncategorised" : key;
}

std::string group_name(const Report& r, const std::string& key) {
  if (key == "*") return "Tất cả nhóm / All groups";
  const auto it = r.groups.find(key);
  return it != r.groups.end() && !it->second.name.empty() ? it->second.name : key;
}

std::string action_vi(const std::string& key) {
  if (key == "*") return "Tất cả yêu cầu";
  const auto t = parse_tallied(key);
  return t ? std::string(label_vi(*t)) : key;
}

std::string action_en(const std::string& key) {
  if (key == "*") return "All requests";
  const auto t = parse_tallied(key);
  return t ? std::string(label_en(*t)) : key;
}

std::string noise_text(const PrivacyInfo& p) {
  if (!p.noise) return "không / none";
  if (p.scale <= 0) return "Laplace (theo từng trường / per school)";
  return fmt::format("Laplace, ε = {:g} / tuần (week), độ nhạy (sensitivity) {:g}, b = {:g}",
                     p.epsilon_per_week, p.sensitivity, p.scale);
}

std::string bundles_text(const Report& r) {
  std::string out;
  for (const auto& s : r.schools) {
    if (s.department_bundles.empty()) continue;
    if (!out.empty()) out += "; ";
    if (r.schools.size() > 1) out += s.id + ": ";
    bool first = true;
    for (const auto& b : s.department_bundles) {
      out +=
          fmt::format("{}{} ({}, {} → {})", first ? "" : ", ",
                      b.bundle.source == "update" ? "v" + b.bundle.version : "rules.department",
                      b.bundle.verified ? "đã xác minh / verified" : "CHƯA xác minh / NOT verified",
                      format_date(b.first_day), format_date(b.last_day));
      first = false;
    }
  }
  return out.empty() ? "—" : out;
}

std::string schools_text(const Report& r) {
  std::string out;
  for (const auto& s : r.schools) {
    if (!out.empty()) out += "; ";
    out += s.name.empty() ? s.id : fmt::format("{} ({})", s.name, s.id);
    if (s.nodes.size() > 1) out += fmt::format(" [{}]", fmt::join(s.nodes, ", "));
  }
  return out;
}

}  // namespace edugate::reporting
