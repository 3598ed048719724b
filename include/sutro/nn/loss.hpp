#pragma once
// Per-sample losses of a scalar output f against a target y, with dloss/df.
//
//   using sutro::nn::loss;
//   double l = sutro::nn::loss_value(loss::hinge, 0.5, 1.0);      // max(0, 1 - f y) = 0.5
//   double g = sutro::nn::loss_gradient(loss::hinge, 0.5, 1.0);   // -y = -1
//
// hinge: max(0, 1 - f y), subgradient -y where f y < 1, else 0 (y in {-1, +1}).
// mse: (f - y)^2 with gradient 2 (f - y) (numpy's mean((f - y)**2) per sample).
// logistic: log(1 + exp(-f y)) with gradient -y sigmoid(-f y) (y in {-1, +1}).

#include <cmath>
#include <string_view>

namespace sutro::nn {

enum class loss { hinge, mse, logistic };

inline constexpr std::string_view to_string(loss l) noexcept {
  switch (l) {
    case loss::hinge: return "hinge";
    case loss::mse: return "mse";
    case loss::logistic: return "logistic";
  }
  return "?";
}

template <class T>
T loss_value(loss l, T f, T y) noexcept {
  switch (l) {
    case loss::hinge: {
      const T m = T(1) - f * y;
      return m > T(0) ? m : T(0);
    }
    case loss::mse: return (f - y) * (f - y);
    case loss::logistic: {
      const T z = -f * y;  // log(1 + e^z) without overflow
      return z > T(0) ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
    }
  }
  return T(0);
}

template <class T>
T loss_gradient(loss l, T f, T y) noexcept {
  switch (l) {
    case loss::hinge: return f * y < T(1) ? -y : T(0);
    case loss::mse: return T(2) * (f - y);
    case loss::logistic: {
      const T z = -f * y;
      const T s = z > T(0) ? T(1) / (T(1) + std::exp(-z)) : std::exp(z) / (T(1) + std::exp(z));
      return -y * s;
    }
  }
  return T(0);
}

} // namespace sutro::nn
