#pragma once
// Dense-layer kernels of the simd backend: the kernels of each instruction-set
// level (dense.inl: AVX-512 and AVX2 register tiles, the reference below
// AVX2), chosen per call from the backend tag (backend/dispatch.hpp), so a
// binary built for a baseline -march still runs the AVX-512 tiles where the
// CPU has them, and simd_on<xsimd::sse2> really runs the SSE2-level code.
//
// Every level gives the reference's bits (nn/scalar/dense.hpp): each output
// accumulates its terms in the reference order (bias, then input 0, 1, ...;
// or sample order), one fused multiply-add per term, and the reference fuses
// with std::fma on every build (nn/scalar/fma.hpp). One difference stays: the
// tiles do not skip zero inputs as the reference does, since a zero input
// adds +-0 to the sum; that is the same value unless the sum so far is -0 (a
// -0 bias) or a weight is infinite or NaN.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "sutro/backend/cpu.hpp"
#include "sutro/backend/dispatch.hpp"
#include "sutro/backend/tags.hpp"
#include "sutro/config/macros.hpp"
#include "sutro/nn/scalar/dense.hpp"

#if SUTRO_CPU_DISPATCH
#include <immintrin.h>
#endif

// GCC keeps arrays of registers in registers only when every loop over them is
// unrolled (otherwise it stores the accumulators back each iteration).
#define SUTRO_NN_UNROLL SUTRO_UNROLL(8)

namespace sutro::nn::kernels {
namespace levels {
#define SUTRO_FOREACH_LEVEL_FILE "sutro/nn/simd/dense.inl"
#include "sutro/backend/foreach_level.inl"
}  // namespace levels

SUTRO_DISPATCH_ENTRIES_BEGIN
/// y += a x, one fused multiply-add per element as the reference.
template <class Arch, class T>
requires std::is_same_v<T, float> || std::is_same_v<T, double>
inline void axpy(simd_on<Arch> tag, std::size_t n, T a, const T* __restrict x, T* __restrict y) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::nn::kernels::axpy"), axpy<T>(n, a, x, y));
}

/// x . y in the reference's order (16 lane sums, then the tail).
template <class Arch, class T>
requires std::is_same_v<T, float> || std::is_same_v<T, double>
inline T dot(simd_on<Arch> tag, std::size_t n, const T* __restrict x, const T* __restrict y) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::nn::kernels::dot"), dot<T>(n, x, y));
}

/// As the scalar dense_forward, without skipping zero inputs; float, and
/// double for the polar factor's products.
template <class Arch, class T>
requires std::is_same_v<T, float> || std::is_same_v<T, double>
inline void dense_forward(simd_on<Arch> tag, std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in,
                          const T* __restrict W, const T* __restrict bias, T* __restrict out) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::dense_forward");
  SUTRO_DISPATCH_LEVEL(l, dense_forward<T>(rows, fi, fo, in, W, bias, out));
}

/// As the scalar dense_forward_relu (ReLU applied in registers).
template <class Arch>
inline void dense_forward_relu(simd_on<Arch> tag, std::size_t rows, std::size_t fi, std::size_t fo,
                               const float* __restrict in, const float* __restrict W, const float* __restrict bias,
                               float* __restrict out) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::dense_forward_relu");
  SUTRO_DISPATCH_LEVEL(l, dense_forward_relu<float>(rows, fi, fo, in, W, bias, out));
}

/// As the scalar dense_dot_rows, same order: the 16 lane sums in registers.
template <class Arch>
inline void dense_dot_rows(simd_on<Arch> tag, std::size_t rows, std::size_t n, const float* __restrict in,
                           const float* __restrict w, float bias, float* __restrict out) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::dense_dot_rows");
  SUTRO_DISPATCH_LEVEL(l, dense_dot_rows<float>(rows, n, in, w, bias, out));
}

/// As the scalar gram_rows for double, same order: one row i against several
/// rows j at a time, the 16 lane sums of each pair in registers.
template <class Arch>
inline void gram_rows(simd_on<Arch> tag, std::size_t k, std::size_t n, const double* __restrict W,
                      double* __restrict A) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::gram_rows");
  SUTRO_DISPATCH_LEVEL(l, gram_rows<double>(k, n, W, A));
}

/// As the scalar spd_inverse for double, same bits: at AVX-512, matrices up
/// to 32 x 32 eliminated in registers, two pivots a pass over the rows.
template <class Arch>
[[nodiscard]] inline bool spd_inverse(simd_on<Arch> tag, std::size_t n, double* __restrict A, double min_pivot = 0.0) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::spd_inverse");
  SUTRO_DISPATCH_LEVEL(l, spd_inverse<double>(n, A, min_pivot));
}
/// out = in^-1, as the scalar out-of-place spd_inverse, same bits (the
/// elimination reads in directly: no copy into out first).
/// T is deduced from both pointers, so that a literal 0 cannot pass as `out`.
template <class Arch, class T>
requires std::is_same_v<T, double>
[[nodiscard]] inline bool spd_inverse(simd_on<Arch> tag, std::size_t n, const T* __restrict in, T* __restrict out,
                                      T min_pivot = T(0)) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::spd_inverse");
  SUTRO_DISPATCH_LEVEL(l, spd_inverse<double>(n, in, out, min_pivot));
}

/// As the scalar newton_polar_step for double, same bits.
template <class Arch>
[[nodiscard]] inline double newton_polar_step(simd_on<Arch> tag, std::size_t k, double z, double* __restrict M,
                                              const double* __restrict Mi, double* __restrict F) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::newton_polar_step");
  SUTRO_DISPATCH_LEVEL(l, newton_polar_step<double>(k, z, M, Mi, F));
}

/// As the scalar transpose_convert: float to double and back in 8 x 8 blocks
/// (AVX-512), other pairs by the reference.
template <class Arch, class From, class To>
inline void transpose_convert(simd_on<Arch> tag, std::size_t rows, std::size_t cols, const From* __restrict in,
                              To* __restrict out) {
  if constexpr ((std::is_same_v<From, float> && std::is_same_v<To, double>) ||
                (std::is_same_v<From, double> && std::is_same_v<To, float>)) {
    using namespace levels;
    const cpu::level l = kernel_level(tag, "sutro::nn::kernels::transpose_convert");
    SUTRO_DISPATCH_LEVEL(l, transpose_convert(rows, cols, in, out));
  } else {
    ::sutro::nn::kernels::transpose_convert(scalar{}, rows, cols, in, out);
  }
}

/// As the scalar relu_output_backward, gw and gb kept in registers across the
/// samples.
template <class Arch>
inline void relu_output_backward(simd_on<Arch> tag, const std::size_t* rows, std::size_t nrows, std::size_t n,
                                 const float* __restrict g, const float* __restrict a, const float* __restrict w,
                                 float* __restrict delta, float* __restrict gw, float* __restrict gb) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::relu_output_backward");
  SUTRO_DISPATCH_LEVEL(l, relu_output_backward<float>(rows, nrows, n, g, a, w, delta, gw, gb));
}

/// As the scalar dense_weight_grad, without skipping zero inputs.
template <class Arch>
inline void dense_weight_grad(simd_on<Arch> tag, const std::size_t* rows, std::size_t nrows, std::size_t fi,
                              std::size_t fo, const float* __restrict in, const float* __restrict delta,
                              float* __restrict gW) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::dense_weight_grad");
  SUTRO_DISPATCH_LEVEL(l, dense_weight_grad<float>(rows, nrows, fi, fo, in, delta, gW));
}

/// As the scalar relu_output_weight_grad: a register of columns at a time,
/// each delta computed in a register for every block of up to 20 inputs
/// (AVX-512) or once into a local buffer for blocks of 8 (AVX2).
template <class Arch>
inline void relu_output_weight_grad(simd_on<Arch> tag, const std::size_t* rows, std::size_t nrows, std::size_t fi,
                                    std::size_t n, const float* __restrict g, const float* __restrict in,
                                    const float* __restrict a, const float* __restrict w, float* __restrict gW,
                                    float* __restrict gw, float* __restrict gb) {
  using namespace levels;
  const cpu::level l = kernel_level(tag, "sutro::nn::kernels::relu_output_weight_grad");
  SUTRO_DISPATCH_LEVEL(l, relu_output_weight_grad<float>(rows, nrows, fi, n, g, in, a, w, gW, gw, gb));
}

SUTRO_DISPATCH_ENTRIES_END

}  // namespace sutro::nn::kernels

#undef SUTRO_NN_UNROLL
