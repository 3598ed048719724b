#pragma once
// Reference dense-layer kernels: loops GCC/Clang vectorize along a layer's
// outputs, with register blocks of accumulators kept across the inputs. Each
// output accumulates its terms in input (or sample) order with fused
// multiply-adds, an order the simd kernels repeat exactly.
//
// Each kernel is written once in kernels::any over "pointer-like" handles
// (anything with p[i] and p + n): the scalar-tag overloads instantiate it with
// raw restrict pointers (the code that always ran), nn::recorded_mlp with
// memory::accessed_ptr, so every element a kernel reads or writes in memory is
// recorded. Every element is read into a local once per use site, the
// arithmetic is done on locals with the fused multiply-adds spelled out
// (madd, scalar/fma.hpp), so both instantiations round alike; the
// accumulators and the locals (registers) are not memory and are not traced.

#include <algorithm>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "sutro/backend/tags.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/nn/scalar/fma.hpp"

namespace sutro::nn::kernels {

/// Output columns of one 512-bit register of T.
template <class T>
inline constexpr std::size_t lane_count = 64 / sizeof(T);

/// Walks [0, fo) in register blocks: 4 registers wide while they fit, then
/// 1; a ragged end is covered by one more 1-register block ending at fo, which
/// recomputes a few columns bitwise identically (each block writes, never
/// accumulates). Narrow layers (fo < one register) get a runtime-width block.
template <class T, class Block, class Narrow>
inline void for_each_block(std::size_t fo, Block&& block, Narrow&& narrow) {
  constexpr std::size_t L = lane_count<T>;
  if (fo < L) {
    narrow(std::size_t{0}, fo);
    return;
  }
  std::size_t c0 = 0;
  for (; c0 + 4 * L <= fo; c0 += 4 * L) block(c0, std::integral_constant<std::size_t, 4 * L>{});
  for (; c0 + L <= fo; c0 += L) block(c0, std::integral_constant<std::size_t, L>{});
  if (c0 < fo) block(fo - L, std::integral_constant<std::size_t, L>{});
}

namespace any {

// Handles are named template arguments (P = const T*, T* or an accessed_ptr),
// taken as memory::restrict_t<P>: the raw instantiation has restrict pointers.
template <class T, class X, class Y>
inline void axpy(std::size_t n, T a, memory::restrict_t<X> x, memory::restrict_t<Y> y) {
  for (std::size_t i = 0; i < n; ++i) {
    const T xi = x[i], yi = y[i];
    y[i] = madd<X>(a, xi, yi);
  }
}

template <class T, class In, class Wp, class Bp, class Out>
inline void dense_forward(std::size_t rows, std::size_t fi, std::size_t fo, memory::restrict_t<In> in,
                          memory::restrict_t<Wp> W, memory::restrict_t<Bp> bias, memory::restrict_t<Out> out) {
  for (std::size_t b = 0; b < rows; ++b) {
    const auto ib = in + b * fi;
    const auto ob = out + b * fo;
    for_each_block<T>(
        fo,
        [&](std::size_t c0, auto width) {
          constexpr std::size_t C = decltype(width)::value;
          T acc[C];
          for (std::size_t l = 0; l < C; ++l) acc[l] = bias[c0 + l];
          for (std::size_t i = 0; i < fi; ++i) {
            const T xi = ib[i];
            if (xi == T(0)) continue;
            const auto w = W + (i * fo + c0);
            for (std::size_t l = 0; l < C; ++l) {
              const T wl = w[l];
              acc[l] = madd<Wp>(xi, wl, acc[l]);
            }
          }
          for (std::size_t l = 0; l < C; ++l) ob[c0 + l] = acc[l];
        },
        [&](std::size_t c0, std::size_t n) {
          for (std::size_t l = 0; l < n; ++l) ob[c0 + l] = T(bias[c0 + l]);
          for (std::size_t i = 0; i < fi; ++i) {
            const T xi = ib[i];
            if (xi != T(0)) any::axpy<T, Wp, Out>(n, xi, W + (i * fo + c0), ob + c0);
          }
        });
  }
}

template <class T, class In, class Wp, class Bp, class Out>
inline void dense_forward_relu(std::size_t rows, std::size_t fi, std::size_t fo, memory::restrict_t<In> in,
                               memory::restrict_t<Wp> W, memory::restrict_t<Bp> bias, memory::restrict_t<Out> out) {
  any::dense_forward<T, In, Wp, Bp, Out>(rows, fi, fo, in, W, bias, out);
  for (std::size_t i = 0, n = rows * fo; i < n; ++i) {
    const T v = out[i];
    out[i] = v <= T(0) ? T(0) : v;  // NaN stays NaN: divergence shows in the loss
  }
}

/// Dot product over pointer-like handles: 16 lane sums (lane l takes l,
/// l + 16, ...), added lane by lane, then the ragged tail.
template <class T, class X, class Y>
inline T dot(std::size_t n, memory::restrict_t<X> x, memory::restrict_t<Y> y) {
  constexpr std::size_t lanes = 16;
  T acc[lanes] = {};
  std::size_t i = 0;
  for (; i + lanes <= n; i += lanes)
    for (std::size_t l = 0; l < lanes; ++l) {
      const T xv = x[i + l], yv = y[i + l];
      acc[l] = madd<Y>(xv, yv, acc[l]);
    }
  T tail = T(0);
  for (; i < n; ++i) {
    const T xv = x[i], yv = y[i];
    tail = madd<Y>(xv, yv, tail);
  }
  T s = T(0);
  for (std::size_t l = 0; l < lanes; ++l) s += acc[l];
  return s + tail;
}

template <class T, class In, class Wp, class Out>
inline void dense_dot_rows(std::size_t rows, std::size_t n, memory::restrict_t<In> in, memory::restrict_t<Wp> w, T bias,
                           memory::restrict_t<Out> out) {
  for (std::size_t b = 0; b < rows; ++b) out[b] = bias + dot<T, In, Wp>(n, in + b * n, w);
}

template <class T, class Rows, class G, class A, class Wp, class D, class GW, class GB>
inline void relu_output_backward(Rows rows, std::size_t nrows, std::size_t n, memory::restrict_t<G> g,
                                 memory::restrict_t<A> a, memory::restrict_t<Wp> w, memory::restrict_t<D> delta,
                                 memory::restrict_t<GW> gw, memory::restrict_t<GB> gb) {
  for (std::size_t j = 0; j < n; ++j) {
    gw[j] = T(0);
    gb[j] = T(0);
  }
  for (std::size_t k = 0; k < nrows; ++k) {
    const std::size_t b = rows[k];
    const T gk = g[b];
    const auto ab = a + b * n;
    const auto db = delta + b * n;
    for (std::size_t j = 0; j < n; ++j) {
      const T aj = ab[j];
      const T d = aj > T(0) ? gk * T(w[j]) : T(0);
      db[j] = d;
      const T gwj = gw[j];
      gw[j] = madd<GW>(gk, aj, gwj);
      const T gbj = gb[j];
      gb[j] = gbj + d;
    }
  }
}

template <class T, class Rows, class In, class D, class GW>
inline void dense_weight_grad(Rows rows, std::size_t nrows, std::size_t fi, std::size_t fo, memory::restrict_t<In> in,
                              memory::restrict_t<D> delta, memory::restrict_t<GW> gW) {
  for (std::size_t i = 0; i < fi; ++i) {
    const auto gi = gW + i * fo;
    for_each_block<T>(
        fo,
        [&](std::size_t c0, auto width) {
          constexpr std::size_t C = decltype(width)::value;
          T acc[C] = {};
          for (std::size_t k = 0; k < nrows; ++k) {
            const std::size_t b = rows[k];
            const T xi = in[b * fi + i];
            if (xi == T(0)) continue;
            const auto d = delta + (b * fo + c0);
            for (std::size_t l = 0; l < C; ++l) {
              const T dl = d[l];
              acc[l] = madd<D>(xi, dl, acc[l]);
            }
          }
          for (std::size_t l = 0; l < C; ++l) gi[c0 + l] = acc[l];
        },
        [&](std::size_t c0, std::size_t n) {
          for (std::size_t l = 0; l < n; ++l) gi[c0 + l] = T(0);
          for (std::size_t k = 0; k < nrows; ++k) {
            const std::size_t b = rows[k];
            const T xi = in[b * fi + i];
            if (xi != T(0)) any::axpy<T, D, GW>(n, xi, delta + (b * fo + c0), gi + c0);
          }
        });
  }
}

/// relu_output_backward, then dense_weight_grad of the layer below, without
/// storing delta (see the scalar-tag overload). Per block of C columns and
/// block of up to 4 inputs, each sample's deltas are locals, recomputed from
/// a and w for every input block: a is read once per input block, delta never.
template <class T, class Rows, class G, class In, class A, class Wp, class GWmat, class GW, class GB>
inline void relu_output_weight_grad(Rows rows, std::size_t nrows, std::size_t fi, std::size_t n,
                                    memory::restrict_t<G> g, memory::restrict_t<In> in, memory::restrict_t<A> a,
                                    memory::restrict_t<Wp> w, memory::restrict_t<GWmat> gW, memory::restrict_t<GW> gw,
                                    memory::restrict_t<GB> gb) {
  constexpr std::size_t max_inputs = 4;
  const auto columns = [&](std::size_t c0, std::size_t cn, auto width) {
    constexpr std::size_t C = decltype(width)::value;
    T wc[C];
    for (std::size_t l = 0; l < cn; ++l) wc[l] = w[c0 + l];
    // One pass even without inputs: the first pass also sums gw and gb.
    for (std::size_t i0 = 0; i0 == 0 || i0 < fi; i0 += max_inputs) {
      const std::size_t ni = std::min(max_inputs, fi - i0);
      const bool first = i0 == 0;
      T acc[max_inputs][C] = {};
      T sw[C] = {}, sb[C] = {};
      for (std::size_t k = 0; k < nrows; ++k) {
        const std::size_t b = rows[k];
        const T gk = g[b];
        const auto ab = a + (b * n + c0);
        T d[C];
        for (std::size_t l = 0; l < cn; ++l) {
          const T al = ab[l];
          d[l] = al > T(0) ? gk * wc[l] : T(0);
          if (first) {
            sw[l] = madd<GW>(gk, al, sw[l]);
            sb[l] = sb[l] + d[l];
          }
        }
        for (std::size_t i = 0; i < ni; ++i) {
          const T xi = in[b * fi + i0 + i];
          if (xi == T(0)) continue;
          for (std::size_t l = 0; l < cn; ++l) acc[i][l] = madd<In>(xi, d[l], acc[i][l]);
        }
      }
      for (std::size_t i = 0; i < ni; ++i)
        for (std::size_t l = 0; l < cn; ++l) gW[(i0 + i) * n + c0 + l] = acc[i][l];
      if (first)
        for (std::size_t l = 0; l < cn; ++l) {
          gw[c0 + l] = sw[l];
          gb[c0 + l] = sb[l];
        }
    }
  };
  for_each_block<T>(
      n, [&](std::size_t c0, auto width) { columns(c0, decltype(width)::value, width); },
      [&](std::size_t c0, std::size_t cn) { columns(c0, cn, std::integral_constant<std::size_t, lane_count<T>>{}); });
}

/// The sum of 8 partial sums as a tree, ((0 + 4) + (2 + 6)) + ((1 + 5) +
/// (3 + 7)): a vector register's reduction (halves, quarters, pairs).
template <class T>
[[nodiscard]] inline T tree_sum8(const T* lane) {
  return ((lane[0] + lane[4]) + (lane[2] + lane[6])) + ((lane[1] + lane[5]) + (lane[3] + lane[7]));
}

/// The sum of 16 partial sums as a tree: lanes u and u + 8, then tree_sum8.
template <class T>
[[nodiscard]] inline T tree_sum16(const T* lane) {
  T c[8];
  for (std::size_t u = 0; u < 8; ++u) c[u] = lane[u] + lane[u + 8];
  return tree_sum8(c);
}

/// Gram matrix of k rows of length n (see the scalar-tag gram_rows).
template <class T, class Wp, class Ap>
inline void gram_rows(std::size_t k, std::size_t n, Wp W, memory::restrict_t<Ap> A) {
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      T acc[16] = {};
      for (std::size_t t = 0; t < n; ++t) {
        const T x = W[i * n + t], y = W[j * n + t];
        acc[t % 16] = madd<Wp>(x, y, acc[t % 16]);
      }
      const T v = tree_sum16(acc) + T(0);  // -0 to +0: a lane past n may hold either
      A[i * k + j] = v;
      A[j * k + i] = v;
    }
}

/// In-place inverse of the symmetric positive definite n x n matrix A
/// (row-major) by Gauss-Jordan elimination without pivoting (see the
/// scalar-tag spd_inverse).
template <class T, class Ap>
[[nodiscard]] inline bool spd_inverse(std::size_t n, memory::restrict_t<Ap> A, T min_pivot = T(0)) {
  for (std::size_t c = 0; c < n; ++c) {
    const T pivot = A[c * n + c];
    if (!(pivot > min_pivot && pivot > T(0) && pivot <= std::numeric_limits<T>::max())) return false;
    const T inv = T(1) / pivot;
    for (std::size_t j = 0; j < n; ++j) {
      const T v = A[c * n + j];
      A[c * n + j] = j == c ? inv : v * inv;
    }
    for (std::size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      const T f = A[r * n + c];
      // Column c is written as 0 - f inv inside the row's loop, not zeroed
      // first: a store of one element ahead of the row's vector loads stalls
      // them (store forwarding) on some CPUs.
      for (std::size_t j = 0; j < n; ++j) {
        const T x = A[r * n + j], p = A[c * n + j];
        A[r * n + j] = madd<Ap>(-f, p, j == c ? T(0) : x);
      }
    }
  }
  return true;
}

/// One step of the polar factor's scaled Newton iteration (see the
/// scalar-tag newton_polar_step).
template <class T, class Mp, class Mip, class Fp>
[[nodiscard]] inline T newton_polar_step(std::size_t k, T z, memory::restrict_t<Mp> M, memory::restrict_t<Mip> Mi,
                                         memory::restrict_t<Fp> F) {
  const T zi = T(1) / z, hz = T(0.5) * z, hzi = T(0.5) * zi, qz2 = T(0.25) * (z * z), qzi2 = T(0.25) * (zi * zi);
  T part[8] = {};
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < k; ++j) {
      const bool diagonal = i == j;
      const T m = M[i * k + j], v = Mi[i * k + j];
      F[i * k + j] = madd<Fp>(hzi, v, diagonal ? hz : T(0));
      const T next = madd<Mp>(qzi2, v, madd<Mp>(qz2, m, diagonal ? T(0.5) : T(0)));
      M[i * k + j] = next;
      const T d = next + (diagonal ? T(-1) : T(0));
      part[(i * k + j) % 8] = madd<Mp>(d, d, part[(i * k + j) % 8]);
    }
  return tree_sum8(part);
}

/// out (cols x rows) = in (rows x cols) transposed, each element converted
/// From -> To, written in order (see the scalar-tag transpose_convert).
template <class From, class To, class InP, class OutP>
inline void transpose_convert(std::size_t rows, std::size_t cols, InP in, memory::restrict_t<OutP> out) {
  for (std::size_t c = 0; c < cols; ++c)
    for (std::size_t r = 0; r < rows; ++r) out[c * rows + r] = static_cast<To>(From(in[r * cols + c]));
}

}  // namespace any

/// out[c * rows + r] = To(in[r * cols + c]): the transpose of a rows x cols
/// row-major matrix, converted (the polar factor's float gradient to double
/// and back); written row by row of out.
template <class From, class To>
inline void transpose_convert(scalar, std::size_t rows, std::size_t cols, const From* __restrict in,
                              To* __restrict out) noexcept {
  any::transpose_convert<From, To, const From*, To*>(rows, cols, in, out);
}

/// y[0..n) += a * x[0..n)
template <class T>
inline void axpy(scalar, std::size_t n, T a, const T* __restrict x, T* __restrict y) noexcept {
  any::axpy<T, const T*, T*>(n, a, x, y);
}

template <class T>
inline T dot(scalar, std::size_t n, const T* __restrict x, const T* __restrict y) noexcept {
  return any::dot<T, const T*, const T*>(n, x, y);
}

/// out[b, :] = bias + sum_i in[b, i] W[i, :] for b < rows; W is (fi x fo)
/// row-major. Zero inputs (ReLU outputs) are skipped.
template <class T>
inline void dense_forward(scalar, std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in,
                          const T* __restrict W, const T* __restrict bias, T* __restrict out) noexcept {
  any::dense_forward<T, const T*, const T*, const T*, T*>(rows, fi, fo, in, W, bias, out);
}

/// dense_forward followed by ReLU (v > 0 ? v : 0).
template <class T>
inline void dense_forward_relu(scalar, std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in,
                               const T* __restrict W, const T* __restrict bias, T* __restrict out) noexcept {
  any::dense_forward_relu<T, const T*, const T*, const T*, T*>(rows, fi, fo, in, W, bias, out);
}

/// out[b] = bias + sum_i in[b, i] w[i] for b < rows, with 16 partial sums per
/// row (lane l takes i = l, l + 16, ...), added up lane by lane, then the
/// ragged tail: the order the simd kernel repeats.
template <class T>
inline void dense_dot_rows(scalar, std::size_t rows, std::size_t n, const T* __restrict in, const T* __restrict w,
                           T bias, T* __restrict out) noexcept {
  any::dense_dot_rows<T, const T*, const T*, T*>(rows, n, in, w, bias, out);
}

/// Gram matrix of k rows of length n (row-major W): A[i, j] = A[j, i] = the
/// dot product of rows i and j with 16 partial sums (lane l takes every
/// t = l mod 16, the ragged tail included), added as a tree (tree_sum16),
/// then + 0 (a zero sum is +0).
template <class T>
inline void gram_rows(scalar, std::size_t k, std::size_t n, const T* __restrict W, T* __restrict A) noexcept {
  any::gram_rows<T, const T*, T*>(k, n, W, A);
}

/// In-place inverse of the symmetric positive definite n x n matrix A
/// (row-major) by Gauss-Jordan elimination without pivoting, which is stable
/// for such matrices. Returns false, A partly overwritten, at a pivot that is
/// not positive and finite (A is not numerically positive definite) or not
/// above min_pivot: the pivots are the diagonal entries of Schur complements
/// of A, so A's smallest eigenvalue is at most each of them, and a caller
/// that needs it above a bound stops at the first pivot below. Every element
/// is one fused multiply-add per elimination step, the order the simd kernel
/// repeats.
template <class T>
[[nodiscard]] inline bool spd_inverse(scalar, std::size_t n, T* __restrict A, T min_pivot = T(0)) noexcept {
  return any::spd_inverse<T, T*>(n, A, min_pivot);
}
/// out = in^-1 as the in-place form (out holds what A would: the partial
/// elimination where a pivot is refused); in and out do not overlap.
template <class T>
[[nodiscard]] inline bool spd_inverse(scalar, std::size_t n, const T* __restrict in, T* __restrict out,
                                      T min_pivot = T(0)) noexcept {
  std::copy_n(in, n * n, out);
  return any::spd_inverse<T, T*>(n, out, min_pivot);
}

/// One step of the scaled Newton iteration for the polar factor in product
/// form on a k x k symmetric positive definite M (row-major) and its inverse
/// Mi, with scale z: F = (z I + Mi / z) / 2, M <- F M F = (z^2 M + 2 I +
/// Mi / z^2) / 4 (M and Mi commute). Returns ||M - I||_F^2 of the new M.
/// Every element is rounded as F = fma(zi / 2, Mi, z / 2 [diagonal]) and
/// M = fma(zi^2 / 4, Mi, fma(z^2 / 4, M, 1/2 [diagonal])) (the scalings by
/// powers of 2 are exact), the squares summed with fused multiply-adds in 8
/// partial sums (element i k + j into (i k + j) mod 8, in that order), added
/// as a tree (tree_sum8): the order the simd
/// kernel repeats on the k^2 elements as one array. Requires z > 0 with z^2
/// and 1 / z^2 finite (the simd kernel multiplies the identity's zeros by
/// them; polar_factor's z lies within about 1e+-81).
template <class T>
[[nodiscard]] inline T newton_polar_step(scalar, std::size_t k, T z, T* __restrict M, const T* __restrict Mi,
                                         T* __restrict F) noexcept {
  return any::newton_polar_step<T, T*, const T*, T*>(k, z, M, Mi, F);
}

/// Backward through a ReLU layer into a scalar output f = w . a + b_out for
/// the listed samples b with dloss/df = g[b]: delta[b, :] = (a[b, :] > 0 ?
/// g[b] w : 0), gw = sum_b g[b] a[b, :], gb = sum_b delta[b, :] (the ReLU
/// layer's bias gradient), both overwritten, summed in the listed order.
template <class T>
inline void relu_output_backward(scalar, const std::size_t* rows, std::size_t nrows, std::size_t n,
                                 const T* __restrict g, const T* __restrict a, const T* __restrict w,
                                 T* __restrict delta, T* __restrict gw, T* __restrict gb) noexcept {
  any::relu_output_backward<T, const std::size_t*, const T*, const T*, const T*, T*, T*, T*>(rows, nrows, n, g, a, w,
                                                                                             delta, gw, gb);
}

/// relu_output_backward followed by dense_weight_grad(rows, fi, n, in, delta,
/// gW) for the layer below it (in: that layer's inputs, fi per sample), the
/// same bits, without writing delta: for a network whose one ReLU layer takes
/// the inputs, its backward pass in one kernel.
template <class T>
inline void relu_output_weight_grad(scalar, const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t n,
                                    const T* __restrict g, const T* __restrict in, const T* __restrict a,
                                    const T* __restrict w, T* __restrict gW, T* __restrict gw,
                                    T* __restrict gb) noexcept {
  any::relu_output_weight_grad<T, const std::size_t*, const T*, const T*, const T*, const T*, T*, T*, T*>(
      rows, nrows, fi, n, g, in, a, w, gW, gw, gb);
}

/// gW[i, :] = sum over the listed rows b of in[b, i] delta[b, :] (overwrites gW).
template <class T>
inline void dense_weight_grad(scalar, const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo,
                              const T* __restrict in, const T* __restrict delta, T* __restrict gW) noexcept {
  any::dense_weight_grad<T, const std::size_t*, const T*, const T*, T*>(rows, nrows, fi, fo, in, delta, gW);
}

}  // namespace sutro::nn::kernels
