#pragma once
// The text of a double in an error message: the shortest %g form that reads
// back as the same value, so a message never shows 1e-9 as 0.000000 (what
// std::to_string prints) nor 0.49999999 as 0.5 (what %g prints).
//
//   throw std::invalid_argument("...: p=" + sutro::detail::number_text(p) + " must be in [0, 0.5)");

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

}  // namespace sutro::detail
