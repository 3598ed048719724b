#pragma once
// Loops of the MLP's hot path, written so that GCC/Clang vectorize them
// (contiguous, restrict-qualified, fixed-width partial sums for reductions,
// which the compiler may not reorder on its own without -ffast-math).
#include <cstddef>

namespace sutro::nn::kernels {

/// y[0..n) += a * x[0..n)
template <class T>
inline void axpy(std::size_t n, T a, const T* __restrict x, T* __restrict y) noexcept {
  for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

/// sum x[i] y[i] with 16 independent partial sums.
template <class T>
inline T dot(std::size_t n, const T* __restrict x, const T* __restrict y) noexcept {
  constexpr std::size_t lanes = 16;
  T acc[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) acc[l] += x[i + l] * y[i + l];
  T tail = T(0);
  for (; i < n; ++i) tail += x[i] * y[i];
  T s = T(0);
  for (std::size_t l = 0; l < lanes; ++l) s += acc[l];
  return s + tail;
}

template <class T>
inline T sum(std::size_t n, const T* __restrict x) noexcept {
  constexpr std::size_t lanes = 16;
  T acc[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) acc[l] += x[i + l];
  T s = T(0);
  for (; i < n; ++i) s += x[i];
  for (std::size_t l = 0; l < lanes; ++l) s += acc[l];
  return s;
}

/// out (cols x rows) = in (rows x cols) transposed.
template <class T>
inline void transpose(std::size_t rows, std::size_t cols, const T* __restrict in,
                      T* __restrict out) noexcept {
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[c * rows + r] = in[r * cols + c];
}

} // namespace sutro::nn::kernels
