#pragma once
// Per-sample losses of a scalar output f against a target y, with dloss/df,
// and the labels each loss takes (check_labels).
//
//   using sutro::nn::loss;
//   double l = sutro::nn::loss_value(loss::hinge, 0.5, 1.0);      // max(0, 1 - f y) = 0.5
//   double g = sutro::nn::loss_gradient(loss::hinge, 0.5, 1.0);   // -y = -1
//   sutro::nn::check_labels(loss::hinge, y);                      // throws unless every y is -1 or +1
//
// hinge: max(0, 1 - f y), subgradient -y where f y < 1, else 0 (y in {-1, +1}).
// mse: (f - y)^2 with gradient 2 (f - y) (numpy's mean((f - y)**2) per sample);
//      y any finite value (the sparse-sum targets are 0..k).
// logistic: log(1 + exp(-f y)) with gradient -y sigmoid(-f y) (y in {-1, +1}).
// A NaN f or y gives a NaN loss and gradient (never 0), so that a diverged
// network shows in the loss.

#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sutro/config/number_text.hpp"
#include "sutro/nn/scalar/fma.hpp"

namespace sutro::nn {

enum class loss { hinge, mse, logistic };

[[nodiscard]] inline constexpr std::string_view to_string(loss l) noexcept {
  switch (l) {
    case loss::hinge:
      return "hinge";
    case loss::mse:
      return "mse";
    case loss::logistic:
      return "logistic";
  }
  return "?";
}

/// An output that is not finite gives NaN for every loss (hinge and logistic
/// would saturate an inf of the right sign to 0), so training reports it
/// as diverged; so does a loss value outside the enum.
template <class T>
[[nodiscard]] T loss_value(loss l, T f, T y) noexcept {
  if (!std::isfinite(f)) return std::numeric_limits<T>::quiet_NaN();
  switch (l) {
    case loss::hinge: {
      const T m = kernels::any::fmadd(-f, y, T(1));
      return m <= T(0) ? T(0) : m;
    }
    case loss::mse:
      return (f - y) * (f - y);
    case loss::logistic: {
      const T z = -f * y;  // log(1 + e^z) without overflow
      return z > T(0) ? z + std::log1p(std::exp(-z)) : std::log1p(std::exp(z));
    }
  }
  return std::numeric_limits<T>::quiet_NaN();
}

template <class T>
[[nodiscard]] T loss_gradient(loss l, T f, T y) noexcept {
  if (!std::isfinite(f)) return std::numeric_limits<T>::quiet_NaN();
  switch (l) {
    case loss::hinge: {
      const T fy = f * y;
      return fy >= T(1) ? T(0) : fy < T(1) ? -y : fy;  // fy NaN: NaN
    }
    case loss::mse:
      return T(2) * (f - y);
    case loss::logistic: {
      const T z = -f * y;
      const T s = z > T(0) ? T(1) / (T(1) + std::exp(-z)) : std::exp(z) / (T(1) + std::exp(z));
      return -y * s;
    }
  }
  return std::numeric_limits<T>::quiet_NaN();
}

/// total + loss_value(l, f, y), with MSE's square added by fmadd spelled
/// out: left to the compiler, total + (f - y)^2 may be contracted in a raw
/// run and not in a recorded one (or the reverse), and their losses differ.
template <class T>
[[nodiscard]] T add_loss(loss l, T f, T y, T total) noexcept {
  if (l == loss::mse && std::isfinite(f)) {
    const T d = f - y;
    return kernels::any::fmadd(d, d, total);
  }
  return total + loss_value(l, f, y);
}

/// Mean loss of a batch's outputs f against labels y, with df[b] = the loss's
/// gradient at sample b / batch. F, Y, D: pointers or access-policy handles
/// (nn/ops.hpp); each f[b] and y[b] is read once and df[b] written once.
/// Throws std::invalid_argument for batch 0 (a mean of nothing).
template <class T, class F, class Y, class D>
T batch_loss(loss kind, std::size_t batch, F f, Y y, D df) {
  if (batch == 0) throw std::invalid_argument("sutro::nn::batch_loss: batch must be positive, got 0");
  const T inv = T(1) / static_cast<T>(batch);
  T total = T(0);
  for (std::size_t b = 0; b < batch; ++b) {
    const T fb = f[b], yb = y[b];
    total = add_loss(kind, fb, yb, total);
    df[b] = loss_gradient(kind, fb, yb) * inv;
  }
  return total * inv;
}

/// True when the loss takes only the labels -1 and +1.
[[nodiscard]] inline constexpr bool needs_sign_labels(loss l) noexcept { return l != loss::mse; }

/// Throws std::invalid_argument, naming the first offending label and its
/// index, unless every label suits the loss: -1 or +1 for hinge and logistic
/// (0/1 labels: use 2 y - 1), finite for mse. `who` prefixes the message.
template <class T>
void check_labels(loss l, std::span<const T> y, const char* who = "sutro::nn::check_labels") {
  if (to_string(l) == "?")
    throw std::invalid_argument(std::string(who) + ": loss " + std::to_string(static_cast<int>(l)) +
                                " is not hinge, mse or logistic");
  for (std::size_t i = 0; i < y.size(); ++i) {
    const T v = y[i];
    const bool ok = needs_sign_labels(l) ? (v == T(1) || v == T(-1)) : std::isfinite(v);
    if (ok) continue;
    std::string msg = std::string(who) + ": " + std::string(to_string(l)) + " loss needs ";
    msg += needs_sign_labels(l) ? "labels -1 or +1" : "finite labels";
    msg += ", got " + sutro::detail::number_text(static_cast<double>(v)) + " at index " + std::to_string(i);
    if (needs_sign_labels(l) && v == T(0)) msg += " (0/1 labels: map y to 2 y - 1)";
    throw std::invalid_argument(msg);
  }
}
/// The same for any contiguous range of labels (std::vector, std::array, std::span<T>).
template <std::ranges::contiguous_range R>
requires std::floating_point<std::ranges::range_value_t<R>>
void check_labels(loss l, const R& y, const char* who = "sutro::nn::check_labels") {
  using T = std::ranges::range_value_t<R>;
  check_labels(l, std::span<const T>(std::ranges::data(y), std::ranges::size(y)), who);
}

}  // namespace sutro::nn
