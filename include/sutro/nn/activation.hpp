#pragma once
// Elementwise activations, each with its derivative written in terms of the
// activation's output y (so backward needs no copy of the pre-activation).
//
//   std::vector<float> z{-1.f, 2.f};
//   sutro::nn::activate(sutro::nn::activation::relu, std::span(z));   // {0, 2}
//   float d = sutro::nn::derivative_from_output(sutro::nn::activation::relu, z[1]);  // 1

#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "sutro/memory/accessor.hpp"
#include "sutro/nn/scalar/fma.hpp"

namespace sutro::nn {

enum class activation { relu, leaky_relu, tanh, sigmoid, identity };

[[nodiscard]] inline constexpr std::string_view to_string(activation a) noexcept {
  switch (a) {
    case activation::relu:
      return "relu";
    case activation::leaky_relu:
      return "leaky_relu";
    case activation::tanh:
      return "tanh";
    case activation::sigmoid:
      return "sigmoid";
    case activation::identity:
      return "identity";
  }
  return "?";
}

inline constexpr double leaky_relu_slope = 0.01;

template <class T>
void activate(activation a, std::span<T> z) noexcept {
  switch (a) {
    case activation::relu:
      for (auto& v : z) v = v <= T(0) ? T(0) : v;  // NaN propagates
      return;
    case activation::leaky_relu:
      for (auto& v : z) v = v > T(0) ? v : T(leaky_relu_slope) * v;
      return;
    case activation::tanh:
      for (auto& v : z) v = std::tanh(v);
      return;
    case activation::sigmoid:
      for (auto& v : z) v = T(1) / (T(1) + std::exp(-v));
      return;
    case activation::identity:
      return;
  }
}

/// d activation / d z at the point whose output is y. For ReLU at z = 0 the
/// subgradient 0 is used (y = 0 there).
template <class T>
[[nodiscard]] T derivative_from_output(activation a, T y) noexcept {
  switch (a) {
    case activation::relu:
      return y > T(0) ? T(1) : T(0);
    case activation::leaky_relu:
      return y > T(0) ? T(1) : T(leaky_relu_slope);
    case activation::tanh:
      return T(1) - y * y;
    case activation::sigmoid:
      return y * (T(1) - y);
    case activation::identity:
      return T(1);
  }
  return T(0);
}

namespace kernels::any {
/// multiply_by_derivative over pointer-like handles (see scalar/dense.hpp):
/// one read of y[i], one read and one write of d[i] per element.
template <class T, class Y, class D>
void multiply_by_derivative(activation a, std::size_t n, memory::restrict_t<Y> y, memory::restrict_t<D> d) {
  switch (a) {
    case activation::relu:
      for (std::size_t i = 0; i < n; ++i) {
        const T yi = y[i], di = d[i];
        d[i] = yi > T(0) ? di : T(0);
      }
      return;
    case activation::leaky_relu:
      for (std::size_t i = 0; i < n; ++i) {
        const T yi = y[i], di = d[i];
        d[i] = yi > T(0) ? di : T(leaky_relu_slope) * di;
      }
      return;
    case activation::tanh:
      kernels::any::element_loop<std::is_pointer_v<Y> && std::is_pointer_v<D>>([&] {
        for (std::size_t i = 0; i < n; ++i) {
          const T yi = y[i], di = d[i];
          d[i] = di * kernels::any::madd<D>(-yi, yi, T(1));
        }
      });
      return;
    case activation::sigmoid:
      for (std::size_t i = 0; i < n; ++i) {
        const T yi = y[i], di = d[i];
        d[i] = di * (yi * (T(1) - yi));
      }
      return;
    case activation::identity:
      return;
  }
}

/// activate over a pointer-like handle: one read and one write per element.
template <class T, class Z>
void activate(activation a, std::size_t n, Z z) {
  if (a == activation::identity) return;
  for (std::size_t i = 0; i < n; ++i) {
    const T v = z[i];
    T r = v;
    switch (a) {
      case activation::relu:
        r = v <= T(0) ? T(0) : v;
        break;  // NaN propagates
      case activation::leaky_relu:
        r = v > T(0) ? v : T(leaky_relu_slope) * v;
        break;
      case activation::tanh:
        r = std::tanh(v);
        break;
      case activation::sigmoid:
        r = T(1) / (T(1) + std::exp(-v));
        break;
      case activation::identity:
        break;
    }
    z[i] = r;
  }
}
}  // namespace kernels::any

/// d[i] *= activation'(at output y[i]), the switch hoisted out of the loop so
/// that each case vectorizes.
template <class T>
void multiply_by_derivative(activation a, std::size_t n, const T* __restrict y, T* __restrict d) noexcept {
  kernels::any::multiply_by_derivative<T, const T*, T*>(a, n, y, d);
}

}  // namespace sutro::nn
