#pragma once
// Loops of the MLP's hot path. Reductions use fixed-width partial sums (the
// compiler may not reorder them on its own without -ffast-math). The dense
// layer kernels are overloaded on the backend tag (scalar/dense.hpp is the
// reference, simd/dense.hpp the register tiles of the level the CPU runs,
// chosen at run time, same bits); the untagged calls take default_backend.
#include <cstddef>

#include "sutro/backend/traits.hpp"
#include "sutro/nn/scalar/dense.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/nn/simd/dense.hpp"
#endif

namespace sutro::nn::kernels {

/// sum x[i] y[i] with 16 independent partial sums.
template <class T>
inline T dot(std::size_t n, const T* __restrict x, const T* __restrict y) {
  return dot(default_backend{}, n, x, y);
}

/// y[0..n) += a * x[0..n)
template <class T>
inline void axpy(std::size_t n, T a, const T* __restrict x, T* __restrict y) {
  axpy(default_backend{}, n, a, x, y);
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

/// out (cols x rows) = in (rows x cols) transposed: transpose_convert to the same type.
template <class T>
inline void transpose(std::size_t rows, std::size_t cols, const T* __restrict in, T* __restrict out) noexcept {
  transpose_convert(default_backend{}, rows, cols, in, out);
}

/// out[b, :] = bias + sum_i in[b, i] W[i, :] for b < rows; W is (fi x fo) row-major.
template <class T>
inline void dense_forward(std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in,
                          const T* __restrict W, const T* __restrict bias, T* __restrict out) noexcept {
  dense_forward(default_backend{}, rows, fi, fo, in, W, bias, out);
}

/// dense_forward, then ReLU.
template <class T>
inline void dense_forward_relu(std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in,
                               const T* __restrict W, const T* __restrict bias, T* __restrict out) noexcept {
  dense_forward_relu(default_backend{}, rows, fi, fo, in, W, bias, out);
}

/// out[b] = bias + in[b, :] . w for b < rows (a layer with one output).
template <class T>
inline void dense_dot_rows(std::size_t rows, std::size_t n, const T* __restrict in, const T* __restrict w, T bias,
                           T* __restrict out) noexcept {
  dense_dot_rows(default_backend{}, rows, n, in, w, bias, out);
}

/// Backward from a scalar output through a ReLU layer (see scalar/dense.hpp).
template <class T>
inline void relu_output_backward(const std::size_t* rows, std::size_t nrows, std::size_t n, const T* g, const T* a,
                                 const T* w, T* delta, T* gw, T* gb) noexcept {
  relu_output_backward(default_backend{}, rows, nrows, n, g, a, w, delta, gw, gb);
}

/// gW[i, :] = sum over the listed rows b of in[b, i] delta[b, :] (overwrites gW).
template <class T>
inline void dense_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo,
                              const T* __restrict in, const T* __restrict delta, T* __restrict gW) noexcept {
  dense_weight_grad(default_backend{}, rows, nrows, fi, fo, in, delta, gW);
}

/// relu_output_backward, then dense_weight_grad of the layer below, without delta.
template <class T>
inline void relu_output_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t n,
                                    const T* __restrict g, const T* __restrict in, const T* __restrict a,
                                    const T* __restrict w, T* __restrict gW, T* __restrict gw,
                                    T* __restrict gb) noexcept {
  relu_output_weight_grad(default_backend{}, rows, nrows, fi, n, g, in, a, w, gW, gw, gb);
}

}  // namespace sutro::nn::kernels
