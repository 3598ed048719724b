#pragma once
// The text of a double in an error message: the shortest %g form that reads
// back as the same value, so a message never shows 1e-9 as 0.000000 (what
// std::to_string prints) nor 0.49999999 as 0.5 (what %g prints).
//
//   throw std::invalid_argument("...: p=" + sutro::detail::number_text(p) + " must be in [0, 0.5)");
//   label += " p=" + sutro::detail::percent_text(0.05) + "%";   // p=5%

#include <cstdio>
#include <cstdlib>
#include <string>

namespace sutro::detail {

[[nodiscard]] inline std::string number_text(double x) {
  char buf[32];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
    if (x != x || std::strtod(buf, nullptr) == x) break;  // NaN never reads back equal
  }
  return buf;
}

/// A positive finite rate as a percentage, without the % sign: the rate's
/// shortest digits that read back as it, with the point moved two places
/// (not rate * 100, whose rounding prints 0.07 as 7.000000000000001 and 1e-300
/// as 1.0000000000000001e-298), so distinct rates read differently:
/// 0.05 -> "5", 0.125 -> "12.5", 1e-300 -> "1e-298".
[[nodiscard]] inline std::string percent_text(double rate) {
  char sci[40];
  for (int decimals = 0; decimals <= 16; ++decimals) {
    std::snprintf(sci, sizeof sci, "%.*e", decimals, rate);
    if (std::strtod(sci, nullptr) == rate) break;
  }
  const std::string text(sci);  // d[.ddd]e(+|-)XX
  const std::size_t e = text.find('e');
  std::string digits = text.substr(0, 1) + (e > 2 ? text.substr(2, e - 2) : "");
  const int exp10 = std::atoi(sci + e + 1) + 2;
  if (exp10 < -4) {  // as %g writes small numbers: 1e-298, 5e-05
    char exponent[16];
    std::snprintf(exponent, sizeof exponent, "e%+03d", exp10);
    return digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : "") + exponent;
  }
  if (exp10 < 0) return "0." + std::string(static_cast<std::size_t>(-exp10 - 1), '0') + digits;
  const auto whole = static_cast<std::size_t>(exp10) + 1;
  if (digits.size() < whole) digits.append(whole - digits.size(), '0');
  return digits.substr(0, whole) + (digits.size() > whole ? "." + digits.substr(whole) : "");
}

}  // namespace sutro::detail
