#pragma once
// Loops of the MLP's hot path, written so that GCC/Clang vectorize them
// (contiguous, restrict-qualified, fixed-width partial sums for reductions,
// which the compiler may not reorder on its own without -ffast-math).
#include <cstddef>
#include <type_traits>

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

/// out[b, :] = bias + sum_i in[b, i] W[i, :] for b < rows; W is (fi x fo)
/// row-major. Accumulators stay in registers across i; zero inputs (ReLU
/// outputs) are skipped.
template <class T>
inline void dense_forward(std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in,
                          const T* __restrict W, const T* __restrict bias, T* __restrict out) noexcept {
  for (std::size_t b = 0; b < rows; ++b) {
    const T* ib = in + b * fi;
    T* ob = out + b * fo;
    for_each_block<T>(
        fo,
        [&](std::size_t c0, auto width) {
          constexpr std::size_t C = decltype(width)::value;
          T acc[C];
          for (std::size_t l = 0; l < C; ++l) acc[l] = bias[c0 + l];
          for (std::size_t i = 0; i < fi; ++i) {
            const T xi = ib[i];
            if (xi == T(0)) continue;
            const T* w = W + i * fo + c0;
            for (std::size_t l = 0; l < C; ++l) acc[l] += xi * w[l];
          }
          for (std::size_t l = 0; l < C; ++l) ob[c0 + l] = acc[l];
        },
        [&](std::size_t c0, std::size_t n) {
          for (std::size_t l = 0; l < n; ++l) ob[c0 + l] = bias[c0 + l];
          for (std::size_t i = 0; i < fi; ++i)
            if (ib[i] != T(0)) axpy(n, ib[i], W + i * fo + c0, ob + c0);
        });
  }
}

/// gW[i, :] = sum over the listed rows b of in[b, i] delta[b, :] (overwrites gW).
template <class T>
inline void dense_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo,
                              const T* __restrict in, const T* __restrict delta, T* __restrict gW) noexcept {
  for (std::size_t i = 0; i < fi; ++i) {
    T* gi = gW + i * fo;
    for_each_block<T>(
        fo,
        [&](std::size_t c0, auto width) {
          constexpr std::size_t C = decltype(width)::value;
          T acc[C] = {};
          for (std::size_t k = 0; k < nrows; ++k) {
            const std::size_t b = rows[k];
            const T xi = in[b * fi + i];
            if (xi == T(0)) continue;
            const T* d = delta + b * fo + c0;
            for (std::size_t l = 0; l < C; ++l) acc[l] += xi * d[l];
          }
          for (std::size_t l = 0; l < C; ++l) gi[c0 + l] = acc[l];
        },
        [&](std::size_t c0, std::size_t n) {
          for (std::size_t l = 0; l < n; ++l) gi[c0 + l] = T(0);
          for (std::size_t k = 0; k < nrows; ++k) {
            const std::size_t b = rows[k];
            if (in[b * fi + i] != T(0)) axpy(n, in[b * fi + i], delta + b * fo + c0, gi + c0);
          }
        });
  }
}

} // namespace sutro::nn::kernels
