#include "reporting/svg_bar_chart.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "reporting/html_escape.hpp"

namespace edugate::reporting {

namespace {

constexpr int kWidth = 720;
constexpr int kLabelWidth = 230;
constexpr int kRow = 26;
constexpr int kBarMax = kWidth - kLabelWidth - 90;

}  // namespace

std::string svg_bar_chart(const std::vector<Bar>& bars, const std::string& title) {
  const int height = std::max<int>(1, static_cast<int>(bars.size())) * kRow + 10;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" aria-label=\"{2}\"><title>{2}</title>"
      "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
      "patternTransform=\"rotate(45)\"><rect width=\"3\" height=\"6\" fill=\"#c0392b\"/>"
      "</pattern></defs>",
      kWidth, height, html_escape(title));
  if (bars.empty())
    svg += "<text x=\"10\" y=\"22\" class=\"note\">Không có dữ liệu / No data</text>";
  std::uint64_t max = 1;
  for (const auto& b : bars) max = std::max(max, b.value);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const int y = static_cast<int>(i) * kRow + 5;
    const int w =
        static_cast<int>(static_cast<double>(b.value) / static_cast<double>(max) * kBarMax);
    svg += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\" class=\"value\">{}{}</text>",
        kLabelWidth - 8, y + 15, html_escape(b.label), kLabelWidth, y, std::max(w, 1), kRow - 8,
        b.partial ? "url(#hatch)" : "#c0392b", kLabelWidth + std::max(w, 1) + 6, y + 15,
        b.partial ? "≥ " : "", b.value);
  }
  return svg + "</svg>";
}

}  // namespace edugate::reporting
