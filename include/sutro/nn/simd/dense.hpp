#pragma once
// AVX-512 dense-layer kernels for float: register tiles of up to 4 rows x 6
// registers (24 accumulators), so each weight (or delta) load feeds up to 4
// fused multiply-adds and each broadcast input up to 6, where the reference
// loops issue one load per multiply-add. Every output still accumulates its
// terms in the reference order (bias, then input 0, 1, ...; or sample order),
// one fused multiply-add each. Columns past a 16-multiple are masked, never
// read or written. Other types and builds without AVX-512 use the reference.

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "sutro/backend/tags.hpp"
#include "sutro/nn/scalar/dense.hpp"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace sutro::nn::kernels {

#if defined(__AVX512F__)
namespace detail {

inline constexpr std::size_t max_tile_rows = 4, max_tile_regs = 6;

inline __mmask16 column_mask(std::size_t c0, std::size_t fo) noexcept {
  const std::size_t left = fo - c0;
  return left >= 16 ? __mmask16(0xffff) : static_cast<__mmask16>((1u << left) - 1u);
}

// One 512-bit register of float or double.
template <class T>
struct zmm;
template <>
struct zmm<float> {
  using reg = __m512;
  using mask_type = __mmask16;
  static constexpr std::size_t lanes = 16;
  static reg load(mask_type m, const float* p) noexcept { return _mm512_maskz_loadu_ps(m, p); }
  static void store(float* p, mask_type m, reg v) noexcept { _mm512_mask_storeu_ps(p, m, v); }
  static reg set1(float x) noexcept { return _mm512_set1_ps(x); }
  static reg fmadd(reg a, reg b, reg c) noexcept { return _mm512_fmadd_ps(a, b, c); }
  // v > 0 ? v : 0 as a masked move (NaN and -0 give +0); _mm512_max_ps would
  // do the same but trips GCC 12's false -Wuninitialized.
  static reg relu(reg v) noexcept {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ), v);
  }
};
template <>
struct zmm<double> {
  using reg = __m512d;
  using mask_type = __mmask8;
  static constexpr std::size_t lanes = 8;
  static reg load(mask_type m, const double* p) noexcept { return _mm512_maskz_loadu_pd(m, p); }
  static void store(double* p, mask_type m, reg v) noexcept { _mm512_mask_storeu_pd(p, m, v); }
  static reg set1(double x) noexcept { return _mm512_set1_pd(x); }
  static reg fmadd(reg a, reg b, reg c) noexcept { return _mm512_fmadd_pd(a, b, c); }
  static reg relu(reg v) noexcept {
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(v, _mm512_setzero_pd(), _CMP_GT_OQ), v);
  }
};

template <class T>
inline typename zmm<T>::mask_type lane_mask(std::size_t c0, std::size_t fo) noexcept {
  constexpr std::size_t L = zmm<T>::lanes;
  const std::size_t left = fo - c0;
  return left >= L ? static_cast<typename zmm<T>::mask_type>((1u << L) - 1u)
                   : static_cast<typename zmm<T>::mask_type>((1u << left) - 1u);
}

// Splits nreg registers into tiles of at most max_tile_regs, as even as possible.
template <class Tile>
inline void for_each_register_tile(std::size_t nreg, Tile&& tile) {
  const std::size_t tiles = (nreg + max_tile_regs - 1) / max_tile_regs;
  std::size_t r0 = 0;
  for (std::size_t t = 0; t < tiles; ++t) {
    const std::size_t nr = (nreg - r0) / (tiles - t);
    tile(r0, nr);
    r0 += nr;
  }
}

// GCC keeps arrays of __m512 in registers only when every loop over them is
// unrolled (otherwise it stores the accumulators back each iteration).
#define SUTRO_NN_UNROLL SUTRO_UNROLL(8)

// out[b, c] = init[c] + sum_i A[b * a_stride + i] W[i, c] for NB rows b and
// NR registers of columns c from c0.
template <class T, std::size_t NB, std::size_t NR, bool Relu>
inline void tile_forward(std::size_t fi, std::size_t fo, std::size_t c0, const T* A, std::size_t a_stride,
                         const T* W, const T* init, T* out, std::size_t out_stride) noexcept {
  using V = zmm<T>;
  constexpr std::size_t L = V::lanes;
  typename V::reg acc[NB][NR];
  typename V::mask_type mask[NR];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) {
    mask[r] = lane_mask<T>(c0 + L * r, fo);
    const auto v = V::load(mask[r], init + c0 + L * r);
    SUTRO_NN_UNROLL for (std::size_t b = 0; b < NB; ++b) acc[b][r] = v;
  }
  for (std::size_t i = 0; i < fi; ++i) {
    typename V::reg w[NR];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) w[r] = V::load(mask[r], W + i * fo + c0 + L * r);
    SUTRO_NN_UNROLL for (std::size_t b = 0; b < NB; ++b) {
      const auto x = V::set1(A[b * a_stride + i]);
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) acc[b][r] = V::fmadd(x, w[r], acc[b][r]);
    }
  }
  SUTRO_NN_UNROLL for (std::size_t b = 0; b < NB; ++b)
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r)
      V::store(out + b * out_stride + c0 + L * r, mask[r], Relu ? V::relu(acc[b][r]) : acc[b][r]);
}

// gW[i, c] = sum_k in[rows[k] * fi + i] delta[rows[k], c] for NI inputs i and
// NR registers of columns c from c0.
template <std::size_t NI, std::size_t NR>
inline void tile_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo,
                             std::size_t c0, const float* in, const float* delta, float* gW) noexcept {
  __m512 acc[NI][NR];
  __mmask16 mask[NR];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) mask[r] = column_mask(c0 + 16 * r, fo);
  SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i)
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) acc[i][r] = _mm512_setzero_ps();
  for (std::size_t k = 0; k < nrows; ++k) {
    const std::size_t b = rows[k];
    __m512 d[NR];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r)
      d[r] = _mm512_maskz_loadu_ps(mask[r], delta + b * fo + c0 + 16 * r);
    SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) {
      const __m512 x = _mm512_set1_ps(in[b * fi + i]);
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) acc[i][r] = _mm512_fmadd_ps(x, d[r], acc[i][r]);
    }
  }
  SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i)
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r)
      _mm512_mask_storeu_ps(gW + i * fo + c0 + 16 * r, mask[r], acc[i][r]);
}

// Calls f(integral_constant<NB>, integral_constant<NR>) for runtime nb in [1, 4], nr in [1, 6].
template <class F>
inline void with_tile(std::size_t nb, std::size_t nr, F&& f) {
  auto inner = [&](auto NB) {
    switch (nr) {
      case 1: f(NB, std::integral_constant<std::size_t, 1>{}); break;
      case 2: f(NB, std::integral_constant<std::size_t, 2>{}); break;
      case 3: f(NB, std::integral_constant<std::size_t, 3>{}); break;
      case 4: f(NB, std::integral_constant<std::size_t, 4>{}); break;
      case 5: f(NB, std::integral_constant<std::size_t, 5>{}); break;
      default: f(NB, std::integral_constant<std::size_t, 6>{}); break;
    }
  };
  switch (nb) {
    case 1: inner(std::integral_constant<std::size_t, 1>{}); break;
    case 2: inner(std::integral_constant<std::size_t, 2>{}); break;
    case 3: inner(std::integral_constant<std::size_t, 3>{}); break;
    default: inner(std::integral_constant<std::size_t, 4>{}); break;
  }
}

template <class T, bool Relu>
inline void dense_forward_tiles(std::size_t rows, std::size_t fi, std::size_t fo, const T* in, const T* W,
                                const T* bias, T* out) noexcept {
  constexpr std::size_t L = zmm<T>::lanes;
  const std::size_t nreg = (fo + L - 1) / L;
  for (std::size_t b0 = 0; b0 < rows; b0 += max_tile_rows) {
    const std::size_t nb = std::min(max_tile_rows, rows - b0);
    for_each_register_tile(nreg, [&](std::size_t r0, std::size_t nr) {
      with_tile(nb, nr, [&](auto NB, auto NR) {
        tile_forward<T, decltype(NB)::value, decltype(NR)::value, Relu>(fi, fo, L * r0, in + b0 * fi, fi, W,
                                                                        bias, out + b0 * fo, fo);
      });
    });
  }
}

} // namespace detail
#endif

/// As the scalar dense_forward, without skipping zero inputs (a zero input
/// adds 0 * w, which leaves finite sums unchanged); float, and double for the
/// polar factor's products.
template <class Arch, class T>
  requires std::is_same_v<T, float> || std::is_same_v<T, double>
inline void dense_forward(simd_on<Arch>, std::size_t rows, std::size_t fi, std::size_t fo,
                          const T* __restrict in, const T* __restrict W,
                          const T* __restrict bias, T* __restrict out) noexcept {
#if defined(__AVX512F__)
  detail::dense_forward_tiles<T, false>(rows, fi, fo, in, W, bias, out);
#else
  dense_forward(scalar{}, rows, fi, fo, in, W, bias, out);
#endif
}

/// As the scalar dense_forward_relu (ReLU applied in registers).
template <class Arch>
inline void dense_forward_relu(simd_on<Arch>, std::size_t rows, std::size_t fi, std::size_t fo,
                               const float* __restrict in, const float* __restrict W,
                               const float* __restrict bias, float* __restrict out) noexcept {
#if defined(__AVX512F__)
  detail::dense_forward_tiles<float, true>(rows, fi, fo, in, W, bias, out);
#else
  dense_forward_relu(scalar{}, rows, fi, fo, in, W, bias, out);
#endif
}

/// As the scalar dense_dot_rows, same order: the 16 lane sums in one register.
template <class Arch>
inline void dense_dot_rows(simd_on<Arch>, std::size_t rows, std::size_t n, const float* __restrict in,
                           const float* __restrict w, float bias, float* __restrict out) noexcept {
#if defined(__AVX512F__)
  for (std::size_t b = 0; b < rows; ++b) {
    const float* x = in + b * n;
    __m512 acc = _mm512_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(x + i), _mm512_loadu_ps(w + i), acc);
    alignas(64) float lane[16];
    _mm512_store_ps(lane, acc);
    float tail = 0.0f;
    for (; i < n; ++i) tail = any::fmadd(x[i], w[i], tail);  // fused always: = the scalar kernel
    float s = 0.0f;
    for (std::size_t l = 0; l < 16; ++l) s += lane[l];
    out[b] = bias + (s + tail);
  }
#else
  dense_dot_rows(scalar{}, rows, n, in, w, bias, out);
#endif
}

/// As the scalar gram_rows for double, same order: one row i against 4 rows j
/// at a time, the 16 lane sums in two registers per pair.
template <class Arch>
inline void gram_rows(simd_on<Arch>, std::size_t k, std::size_t n, const double* __restrict W,
                      double* __restrict A) noexcept {
#if defined(__AVX512F__)
  const std::size_t full = n / 16 * 16;
  for (std::size_t i = 0; i < k; ++i) {
    const double* x = W + i * n;
    for (std::size_t j0 = 0; j0 <= i; j0 += 4) {
      const std::size_t nj = std::min<std::size_t>(4, i + 1 - j0);
      __m512d lo[4], hi[4];
      for (std::size_t q = 0; q < 4; ++q) lo[q] = hi[q] = _mm512_setzero_pd();
      for (std::size_t t = 0; t < full; t += 16) {
        const __m512d x0 = _mm512_loadu_pd(x + t), x1 = _mm512_loadu_pd(x + t + 8);
        for (std::size_t q = 0; q < 4; ++q) {
          if (q >= nj) break;
          const double* y = W + (j0 + q) * n + t;
          lo[q] = _mm512_fmadd_pd(x0, _mm512_loadu_pd(y), lo[q]);
          hi[q] = _mm512_fmadd_pd(x1, _mm512_loadu_pd(y + 8), hi[q]);
        }
      }
      for (std::size_t q = 0; q < nj; ++q) {
        const std::size_t j = j0 + q;
        alignas(64) double lane[16];
        _mm512_store_pd(lane, lo[q]);
        _mm512_store_pd(lane + 8, hi[q]);
        const double* y = W + j * n;
        double tail = 0.0;
        for (std::size_t t = full; t < n; ++t) tail = any::fmadd(x[t], y[t], tail);
        double s = 0.0;
        for (std::size_t l = 0; l < 16; ++l) s += lane[l];
        A[i * k + j] = A[j * k + i] = 0.0 + (s + tail);
      }
    }
  }
#else
  gram_rows(scalar{}, k, n, W, A);
#endif
}

/// As the scalar relu_output_backward, gw and gb kept in registers across the
/// samples, 8 registers of columns at a time.
template <class Arch>
inline void relu_output_backward(simd_on<Arch>, const std::size_t* rows, std::size_t nrows, std::size_t n,
                                 const float* __restrict g, const float* __restrict a,
                                 const float* __restrict w, float* __restrict delta, float* __restrict gw,
                                 float* __restrict gb) noexcept {
#if defined(__AVX512F__)
  constexpr std::size_t R = 4;
  for (std::size_t c0 = 0; c0 < n; c0 += 16 * R) {
    __m512 wr[R], sw[R], sb[R];
    __mmask16 mask[R];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) {
      mask[r] = c0 + 16 * r < n ? detail::column_mask(c0 + 16 * r, n) : __mmask16(0);
      wr[r] = _mm512_maskz_loadu_ps(mask[r], w + c0 + 16 * r);
      sw[r] = _mm512_setzero_ps();
      sb[r] = _mm512_setzero_ps();
    }
    for (std::size_t k = 0; k < nrows; ++k) {
      const std::size_t b = rows[k];
      const __m512 gb_ = _mm512_set1_ps(g[b]);
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) {
        const __m512 ar = _mm512_maskz_loadu_ps(mask[r], a + b * n + c0 + 16 * r);
        const __m512 d = _mm512_maskz_mul_ps(_mm512_cmp_ps_mask(ar, _mm512_setzero_ps(), _CMP_GT_OQ), gb_, wr[r]);
        _mm512_mask_storeu_ps(delta + b * n + c0 + 16 * r, mask[r], d);
        sw[r] = _mm512_fmadd_ps(gb_, ar, sw[r]);
        sb[r] = _mm512_add_ps(sb[r], d);
      }
    }
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) {
      _mm512_mask_storeu_ps(gw + c0 + 16 * r, mask[r], sw[r]);
      _mm512_mask_storeu_ps(gb + c0 + 16 * r, mask[r], sb[r]);
    }
  }
#else
  relu_output_backward(scalar{}, rows, nrows, n, g, a, w, delta, gw, gb);
#endif
}

/// As the scalar dense_weight_grad, without skipping zero inputs.
template <class Arch>
inline void dense_weight_grad(simd_on<Arch>, const std::size_t* rows, std::size_t nrows, std::size_t fi,
                              std::size_t fo, const float* __restrict in, const float* __restrict delta,
                              float* __restrict gW) noexcept {
#if defined(__AVX512F__)
  const std::size_t nreg = (fo + 15) / 16;
  for (std::size_t i0 = 0; i0 < fi; i0 += detail::max_tile_rows) {
    const std::size_t ni = std::min(detail::max_tile_rows, fi - i0);
    detail::for_each_register_tile(nreg, [&](std::size_t r0, std::size_t nr) {
      detail::with_tile(ni, nr, [&](auto NI, auto NR) {
        detail::tile_weight_grad<decltype(NI)::value, decltype(NR)::value>(
            rows, nrows, fi, fo, 16 * r0, in + i0, delta, gW + i0 * fo);
      });
    });
  }
#else
  dense_weight_grad(scalar{}, rows, nrows, fi, fo, in, delta, gW);
#endif
}

#if defined(__AVX512F__)
#undef SUTRO_NN_UNROLL
#endif

} // namespace sutro::nn::kernels
