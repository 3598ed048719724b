#pragma once
// The Euclidean norm of an update, exact in range where the plain sum of
// squares is not: double gradients past about 1e154 square to inf (1 / inf
// would scale the update to 0) and below about 1e-154 to 0. Callers keep
// their fast sum; only a sum outside the safe range is redone, scaled by the
// largest magnitude (LAPACK's dnrm2 rule).

#include <cmath>
#include <limits>

#include "sutro/nn/scalar/fma.hpp"

namespace sutro::optim::detail {

/// sqrt(sq) when sq, the caller's plain sum of squares, is NaN or within
/// range; otherwise (inf, 0 or a sum that lost bits below 2^-900) the norm
/// again from `each(visit)`, which calls visit(double x) for every element:
/// amax sqrt(sum (x / amax)^2), inf if an element is inf, 0 for a zero
/// vector (so a traced run reads a zero update twice).
template <class Each>
[[nodiscard]] double norm_from_sum(double sq, Each&& each) {
  constexpr double low = 0x1p-900, high = std::numeric_limits<double>::max();
  if ((sq >= low && sq <= high) || std::isnan(sq)) return std::sqrt(sq);
  double amax = 0.0;
  bool nan = false;
  each([&](double x) {
    nan = nan || std::isnan(x);
    amax = std::fmax(amax, std::fabs(x));
  });
  if (nan) return std::numeric_limits<double>::quiet_NaN();
  if (amax == 0.0 || std::isinf(amax)) return amax;
  double scaled = 0.0;
  each([&](double x) {
    const double y = x / amax;
    scaled = nn::kernels::any::fmadd(y, y, scaled);
  });
  return amax * std::sqrt(scaled);
}

}  // namespace sutro::optim::detail
