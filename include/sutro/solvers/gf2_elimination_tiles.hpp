#pragma once
// gf2_elimination's wide path (n + 1 > 128) on CPUs with GFNI, AVX-512 BW and
// VBMI (cpu::level::avx512_gfni, chosen at run time). The first
// min(m, n + 16) rows are kept as 8 x 8 bit tiles: tile (g, j) holds byte j
// of rows 8g..8g+7, one row per byte. Columns go in blocks
// of one word (64 columns); the block's pivots are found as in
// gauss_jordan_wide (earliest row, kept reduced against each other), then every
// other row clears its block bits by
//
//   tile (g, j) ^= sum over k of A[k][j] x tile (g, block byte k)
//
// where A[k][j] is the 8 x 8 bit matrix of the reduced pivot rows 8k..8k+7
// on the columns of byte j: one GF2P8AFFINEQB per 8 rows, 64 columns and 8
// block columns, against 4 table lookups per row for gauss_jordan_wide's
// tables. Same pivots, so the same statistics and answer as the incremental
// basis. The recorded instantiation runs the same steps one 64-bit lane at a
// time (affine_lane, transpose_bytes), every tile word through mem.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "sutro/backend/cpu.hpp"
#include "sutro/config/macros.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/samples.hpp"

#if SUTRO_CPU_DISPATCH
#include <immintrin.h>
#define SUTRO_GF2_TILES_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,gfni")))
#endif

namespace sutro::solvers::detail {

/// One 64-bit lane of GF2P8AFFINEQB: bit i of byte s of the result is the
/// parity of byte s of x AND byte 7 - i of the matrix a.
[[nodiscard]] constexpr std::uint64_t affine_lane(std::uint64_t x, std::uint64_t a) noexcept {
  std::uint64_t r = 0;
  for (unsigned s = 0; s < 8; ++s) {
    const std::uint64_t xs = (x >> (8 * s)) & 0xFFu;
    for (unsigned i = 0; i < 8; ++i) r |= std::uint64_t(std::popcount((a >> (8 * (7 - i))) & xs) & 1) << (8 * s + i);
  }
  return r;
}

/// The 8 x 8 byte transpose: byte t of out[r] is byte r of in[t].
constexpr void transpose_bytes(const std::uint64_t (&in)[8], std::uint64_t (&out)[8]) noexcept {
  for (unsigned r = 0; r < 8; ++r) {
    out[r] = 0;
    for (unsigned t = 0; t < 8; ++t) out[r] |= ((in[t] >> (8 * r)) & 0xFFu) << (8 * t);
  }
}

/// The affine matrix that maps 8 row coefficients (bit b: row b) to their
/// sum on 8 columns, from the tile q of those rows (byte b: row 7 - b, the
/// order the instruction wants): byte 7 - i of the result, bit b, is bit i of
/// row b. One affine step with the unit bytes 0x80, 0x40, .., 0x01.
inline constexpr std::uint64_t affine_transposer = 0x0102040810204080u;

/// Entries hi + s (0 < s < hi, hi a power of two) of the table at base, len
/// words each: entry s XOR entry hi, so that entry v is the sum of v's bits' entries.
template <class T>
void add_combinations(T t, std::size_t base, std::size_t len, std::size_t hi) {
  for (std::size_t s = 1; s < hi; ++s)
    for (std::size_t w = 0; w < len; ++w)
      t[base + (hi | s) * len + w] = std::uint64_t(t[base + s * len + w]) ^ std::uint64_t(t[base + hi * len + w]);
}

/// Whether the wide path runs on tiles: the level sutro::simd runs (the CPU's,
/// capped by SUTRO_CPU_LEVEL) has GFNI and VBMI. Else gauss_jordan_wide's tables.
[[nodiscard]] inline bool tiles_run() noexcept {
  return cpu::dispatch_compiled && static_cast<int>(cpu::active_level()) >= static_cast<int>(cpu::level::avx512_gfni);
}

#if SUTRO_CPU_DISPATCH
/// The vector steps of gauss_jordan_tiles, compiled for GFNI + AVX-512 BW +
/// VBMI whatever the build's flags; called only when tiles_run().
namespace gfni_tiles {
struct byte_index {
  alignas(64) std::uint8_t at[64];
};
/// vpermb indices of the 8 x 8 byte transpose of a vector's 8 words.
inline constexpr byte_index transpose_bytes_index = [] {
  byte_index idx{};
  for (unsigned r = 0; r < 8; ++r)
    for (unsigned t = 0; t < 8; ++t) idx.at[8 * r + t] = static_cast<std::uint8_t>(8 * t + r);
  return idx;
}();
SUTRO_GF2_TILES_TARGET inline __m512i transpose_index() noexcept { return _mm512_load_si512(transpose_bytes_index.at); }
SUTRO_GF2_TILES_TARGET inline __m512i transposed(__m512i v, __m512i idx) noexcept {
  return _mm512_maskz_permutexvar_epi8(~__mmask64{0}, idx, v);
}
/// The tiles of 8 rows (`valid` of them real, row_words words each from
/// base; label_words[r] ORed into word lw) into out, nw words of 8 tiles.
SUTRO_GF2_TILES_TARGET inline void rows_to_tiles(const std::uint64_t* base, std::size_t row_words, std::size_t valid,
                                                 const std::uint64_t* label_words, std::size_t lw, std::size_t nw,
                                                 std::uint64_t* out) noexcept {
  const __m512i idx = transpose_index();
  const __mmask8 live = static_cast<__mmask8>((1u << valid) - 1);
  const auto rw = static_cast<std::int64_t>(row_words);
  const __m512i stride = _mm512_setr_epi64(0, rw, 2 * rw, 3 * rw, 4 * rw, 5 * rw, 6 * rw, 7 * rw);
  for (std::size_t w = 0; w < nw; ++w) {
    __m512i v = w < row_words ? _mm512_mask_i64gather_epi64(_mm512_setzero_si512(), live, stride, base + w, 8)
                              : _mm512_setzero_si512();
    if (w == lw) v = _mm512_or_si512(v, _mm512_loadu_si512(label_words));
    _mm512_storeu_si512(out + 8 * w, transposed(v, idx));
  }
}
/// The 8 tiles of one word of a group, back to its 8 rows' words.
SUTRO_GF2_TILES_TARGET inline void tiles_to_words(const std::uint64_t* tiles8, std::uint64_t* out8) noexcept {
  _mm512_storeu_si512(out8, transposed(_mm512_loadu_si512(tiles8), transpose_index()));
}
/// Words [k0, nw) of row r of a group (its tiles at group).
SUTRO_GF2_TILES_TARGET inline void row_of_tiles(const std::uint64_t* group, unsigned r, std::size_t k0, std::size_t nw,
                                                std::uint64_t* out) noexcept {
  const __m512i idx = transpose_index();
  for (std::size_t w = k0; w < nw; ++w) {
    alignas(64) std::uint64_t rows8[8];
    _mm512_store_si512(rows8, transposed(_mm512_loadu_si512(group + 8 * w), idx));
    out[w - k0] = rows8[r];
  }
}
/// out[0, len) = the sum of the tn table entries at sums + at[q] (whole vectors).
SUTRO_GF2_TILES_TARGET inline void sum_entries(const std::uint64_t* sums, const std::size_t* at, std::size_t tn,
                                               std::size_t len, std::uint64_t* out) noexcept {
  for (std::size_t w = 0; w < len; w += 8) {
    __m512i v = _mm512_loadu_si512(sums + at[0] + w);
    for (std::size_t q = 1; q < tn; ++q) v = _mm512_xor_si512(v, _mm512_loadu_si512(sums + at[q] + w));
    alignas(64) std::uint64_t x[8];  // word stores: faster here than one unaligned or masked vector store
    _mm512_store_si512(x, v);
    for (std::size_t u = 0; u < 8 && w + u < len; ++u) out[w + u] = x[u];
  }
}
/// The block's affine matrices (out[k tw + 8 (w - k0) + t], k < kt, w in
/// [k0, nw)) from its J reduced pivot rows, row j at rows + j nw.
SUTRO_GF2_TILES_TARGET inline void affine_matrices(const std::uint64_t* rows, std::size_t J, std::size_t nw,
                                                   std::size_t k0, std::size_t tw, std::uint64_t* out) noexcept {
  const __m512i idx = transpose_index(), unit = _mm512_set1_epi64(std::int64_t(affine_transposer));
  for (std::size_t k = 0; 8 * k < J; ++k)
    for (std::size_t w = k0; w < nw; ++w) {
      alignas(64) std::uint64_t in[8];
      for (unsigned r = 0; r < 8; ++r) {  // reversed: the matrix wants row b at byte 7 - b
        const std::size_t j = 8 * k + 7 - r;
        in[r] = j < J ? rows[j * nw + w] : 0;
      }
      const __m512i q = transposed(_mm512_load_si512(in), idx);
      _mm512_storeu_si512(out + k * tw + 8 * (w - k0), _mm512_gf2p8affine_epi64_epi8(unit, q, 0));
    }
}
/// Words [0, len) of one group's tiles from the block on (row) += the kt
/// coefficient words (8 rows' block byte k) times the block's matrices.
SUTRO_GF2_TILES_TARGET inline void update_group(std::uint64_t* row, const std::uint64_t* matrices,
                                                const std::uint64_t* coef, std::size_t kt, std::size_t len,
                                                std::size_t tw) noexcept {
  __m512i cb[8];
  for (std::size_t k = 0; k < 8; ++k) cb[k] = _mm512_set1_epi64(k < kt ? std::int64_t(coef[k]) : 0);
  if (kt == 8) {
    for (std::size_t w = 0; w < len; ++w) {
      const std::uint64_t* const a = matrices + 8 * w;
      __m512i x0 = _mm512_gf2p8affine_epi64_epi8(cb[0], _mm512_loadu_si512(a), 0);
      __m512i x1 = _mm512_gf2p8affine_epi64_epi8(cb[1], _mm512_loadu_si512(a + tw), 0);
      __m512i x2 = _mm512_gf2p8affine_epi64_epi8(cb[2], _mm512_loadu_si512(a + 2 * tw), 0);
      __m512i x3 = _mm512_gf2p8affine_epi64_epi8(cb[3], _mm512_loadu_si512(a + 3 * tw), 0);
      __m512i x4 = _mm512_gf2p8affine_epi64_epi8(cb[4], _mm512_loadu_si512(a + 4 * tw), 0);
      __m512i x5 = _mm512_gf2p8affine_epi64_epi8(cb[5], _mm512_loadu_si512(a + 5 * tw), 0);
      __m512i x6 = _mm512_gf2p8affine_epi64_epi8(cb[6], _mm512_loadu_si512(a + 6 * tw), 0);
      __m512i x7 = _mm512_gf2p8affine_epi64_epi8(cb[7], _mm512_loadu_si512(a + 7 * tw), 0);
      x0 = _mm512_ternarylogic_epi64(x0, x1, x2, 0x96);
      x3 = _mm512_ternarylogic_epi64(x3, x4, x5, 0x96);
      x6 = _mm512_ternarylogic_epi64(x6, x7, _mm512_loadu_si512(row + 8 * w), 0x96);
      _mm512_storeu_si512(row + 8 * w, _mm512_ternarylogic_epi64(x0, x3, x6, 0x96));
    }
  } else {
    for (std::size_t w = 0; w < len; ++w) {
      __m512i x = _mm512_loadu_si512(row + 8 * w);
      for (std::size_t k = 0; k < kt; ++k)
        x = _mm512_xor_si512(x, _mm512_gf2p8affine_epi64_epi8(cb[k], _mm512_loadu_si512(matrices + k * tw + 8 * w), 0));
      _mm512_storeu_si512(row + 8 * w, x);
    }
  }
}
}  // namespace gfni_tiles
#endif

/// Gauss-Jordan on the tiles of the first min(m, n + 16) rows; the contract
/// of gauss_jordan_wide (same pivots, statistics and answer; false when those
/// rows lack rank).
template <class Memory>
bool gauss_jordan_tiles(const tasks::packed_samples& d, std::size_t m, bool verify_all, solve_result& res, Memory mem) {
  const std::size_t n = d.spec.n, rows = std::min(m, n + 16);
  if (rows < n) return false;
  const std::size_t nw = (n + 64) / 64, lw = n / 64, tw = 8 * nw, groups = (rows + 7) / 8;
  const unsigned ls = static_cast<unsigned>(n % 64);
  // One block: the tiles (tw per group of 8 rows); each row's block word;
  // w0, codes and pivot flags of the search; the reduced pivot rows by
  // column (n x nw, for back substitution); the block's pivot rows before
  // reduction (64 x nw); 16 tables of 16 of their sums; the block's affine
  // matrices (8 x tw); the solution.
  const std::size_t nwp = (nw + 7) & ~std::size_t{7}, tables = 16 * 16 * nwp;  // table rows in whole vectors
  work_vector<std::uint64_t> block(groups * tw + 8 * groups + 3 * rows + n * nw + 64 * nwp + tables + 8 * tw + nw);
  std::uint64_t* const tiles = block.data();
  std::uint64_t* const bwords = tiles + groups * tw;
  std::uint64_t* const w0s = bwords + 8 * groups;
  std::uint64_t* const codes = w0s + rows;
  std::uint64_t* const flags = codes + rows;
  std::uint64_t* const reduced = flags + rows;
  std::uint64_t* const pivots = reduced + n * nw;
  std::uint64_t* const sums = pivots + 64 * nwp;
  std::uint64_t* const matrices = sums + tables;
  std::uint64_t* const xw = matrices + 8 * tw;
  const auto labels = mem(d.labels.data());
  const auto T = mem(tiles), bw = mem(bwords), w0 = mem(w0s), code = mem(codes), used = mem(flags);
  const auto S = mem(reduced), P = mem(pivots), tp = mem(sums), A = mem(matrices);
  constexpr bool simd = SUTRO_CPU_DISPATCH && std::is_pointer_v<decltype(T)>;  // the timed code: vector steps
  // The rows (label bit at column n) to tiles.
  for (std::size_t g = 0; g < groups; ++g) {
    if constexpr (simd) {
#if SUTRO_CPU_DISPATCH
      // Word w of the group's rows: one gather (rows past `rows` read as 0).
      const std::size_t valid = std::min<std::size_t>(8, rows - 8 * g);
      alignas(64) std::uint64_t lab[8] = {};
      for (std::size_t r = 0; r < valid; ++r) lab[r] = std::uint64_t{label_bit_value(d, labels[8 * g + r])} << ls;
      gfni_tiles::rows_to_tiles(d.row(8 * g), d.row_words, valid, lab, lw, nw, tiles + g * tw);
#endif
      continue;
    }
    for (std::size_t w = 0; w < nw; ++w) {
      std::uint64_t in[8], out[8];
      for (unsigned r = 0; r < 8; ++r) {
        const std::size_t i = 8 * g + r;
        in[r] = i < rows && w < d.row_words ? std::uint64_t(mem(d.row(i))[w]) : 0;
        if (i < rows && w == lw) in[r] |= std::uint64_t{label_bit_value(d, labels[i])} << ls;
      }
      transpose_bytes(in, out);
      for (unsigned t = 0; t < 8; ++t) T[g * tw + 8 * w + t] = out[t];
    }
  }
  for (std::size_t i = 0; i < rows; ++i) used[i] = 0;
  std::size_t lo = 0, last = 0;  // rows below lo are all pivots
  std::size_t piv[64];
  std::uint64_t rw[64], inv[64];
  for (std::size_t k0 = 0; 64 * k0 < n; ++k0) {
    const std::size_t c0 = 64 * k0, J = std::min<std::size_t>(64, n - c0), len = nw - k0, kt = (J + 7) / 8;
    const std::size_t lenp = (len + 7) & ~std::size_t{7};  // pivot and table rows: whole vectors
    while (lo < rows && std::uint64_t(used[lo])) ++lo;
    const std::size_t first = lo;
    std::size_t loaded = first / 8;  // groups [first / 8, loaded) have their block words in bw
    const auto block_word = [&](std::size_t i) -> std::uint64_t {
      for (; loaded <= i / 8; ++loaded) {  // the block's tiles of one group, transposed back to rows
        if constexpr (simd) {
#if SUTRO_CPU_DISPATCH
          gfni_tiles::tiles_to_words(tiles + loaded * tw + 8 * k0, bwords + 8 * loaded);
#endif
        } else {
          std::uint64_t in[8], out[8];
          for (unsigned t = 0; t < 8; ++t) in[t] = T[loaded * tw + 8 * k0 + t];
          transpose_bytes(in, out);
          for (unsigned r = 0; r < 8; ++r) bw[8 * loaded + r] = out[r];
        }
      }
      return bw[i];
    };
    // The search of gauss_jordan_wide on the block's word, which starts at bit 0.
    std::size_t f = first;
    for (std::size_t j = 0; j < J; ++j) {
      const unsigned sh = static_cast<unsigned>(j);
      while (lo < rows && std::uint64_t(used[lo])) ++lo;
      std::size_t p = lo;
      while (p < f && (std::uint64_t(used[p]) || !((std::uint64_t(w0[p]) >> sh) & 1u))) ++p;
      bool found = p < f;
      while (!found && f < rows) {
        const std::size_t i = f++;
        if (std::uint64_t(used[i])) continue;
        std::uint64_t w = block_word(i), cd = 0;
        for (std::uint64_t take = w & ((std::uint64_t{1} << j) - 1); take; take &= take - 1) {
          const unsigned l = static_cast<unsigned>(std::countr_zero(take));
          w ^= rw[l];
          cd ^= inv[l];
        }
        w0[i] = w;
        code[i] = cd;
        p = i;
        found = (w >> sh) & 1u;
      }
      if (!found) return false;
      used[p] = ~std::uint64_t{0};
      piv[j] = p;
      last = std::max(last, p);
      rw[j] = w0[p];
      inv[j] = std::uint64_t(code[p]) | std::uint64_t{1} << j;
      for (std::size_t l = 0; l < j; ++l) {
        const std::uint64_t mk = std::uint64_t{0} - ((rw[l] >> sh) & 1u);
        rw[l] ^= rw[j] & mk;
        inv[l] ^= inv[j] & mk;
      }
      for (std::size_t i = p + 1; i < f; ++i) {
        const std::uint64_t mk = (std::uint64_t{0} - ((std::uint64_t(w0[i]) >> sh) & 1u)) & ~std::uint64_t(used[i]);
        w0[i] ^= rw[j] & mk;
        code[i] ^= inv[j] & mk;
      }
    }
    // The pivot rows, words [k0, nw) (the words below are 0 in every row not yet a pivot).
    for (std::size_t j = 0; j < J; ++j) {
      const std::size_t g = piv[j] / 8;
      const unsigned r = static_cast<unsigned>(piv[j] % 8);
      if constexpr (simd) {
#if SUTRO_CPU_DISPATCH
        gfni_tiles::row_of_tiles(tiles + g * tw, r, k0, nw, pivots + j * lenp);
#endif
        continue;
      }
      for (std::size_t w = k0; w < nw; ++w) {
        std::uint64_t x = 0;
        for (unsigned t = 0; t < 8; ++t) x |= ((std::uint64_t(T[g * tw + 8 * w + t]) >> (8 * r)) & 0xFFu) << (8 * t);
        P[j * lenp + (w - k0)] = x;
      }
    }
    // Reduced pivot row j = the sum of the pivot rows in inv[j], from 16
    // tables of 16 sums; stored by column for back substitution.
    const std::size_t tn = (J + 3) / 4;
    for (std::size_t q = 0; q < tn; ++q) {
      const std::size_t base = 16 * q * lenp;
      for (std::size_t w = 0; w < lenp; ++w) tp[base + w] = 0;
      for (std::size_t e = 0; e < 4; ++e) {
        const std::size_t hi = std::size_t{1} << e, j = 4 * q + e;
        for (std::size_t w = 0; w < lenp; ++w)
          tp[base + hi * lenp + w] = j < J && w < len ? std::uint64_t(P[j * lenp + w]) : 0;
        add_combinations(tp, base, lenp, hi);
      }
    }
    for (std::size_t j = 0; j < J; ++j) {
      std::size_t at[16];
      for (std::size_t q = 0; q < tn; ++q) at[q] = (16 * q + ((inv[j] >> (4 * q)) & 15u)) * lenp;
      if constexpr (simd) {
#if SUTRO_CPU_DISPATCH
        gfni_tiles::sum_entries(sums, at, tn, len, reduced + (c0 + j) * nw + k0);
#endif
        continue;
      }
      for (std::size_t w = 0; w < lenp; w += 8) {
        std::uint64_t x[8] = {};
        for (std::size_t q = 0; q < tn; ++q)
          for (std::size_t u = 0; u < 8; ++u) x[u] ^= std::uint64_t(tp[at[q] + w + u]);
        for (std::size_t u = 0; u < 8 && w + u < len; ++u) S[(c0 + j) * nw + k0 + w + u] = x[u];
      }
    }
    // The affine matrices: A[k][8 (w - k0) + t] from reduced pivot rows 8k..8k+7, byte t of word w.
    if constexpr (simd) {
#if SUTRO_CPU_DISPATCH
      gfni_tiles::affine_matrices(reduced + c0 * nw, J, nw, k0, tw, matrices);
#endif
    } else {
      for (std::size_t k = 0; k < kt; ++k)
        for (std::size_t w = k0; w < nw; ++w) {
          std::uint64_t in[8], out[8];
          for (unsigned r = 0; r < 8; ++r) {  // reversed: the matrix wants row b at byte 7 - b
            const std::size_t j = 8 * k + 7 - r;
            in[r] = j < J ? std::uint64_t(S[(c0 + j) * nw + w]) : 0;
          }
          const std::size_t at = k * tw + 8 * (w - k0);
          transpose_bytes(in, out);
          for (unsigned t = 0; t < 8; ++t) A[at + t] = affine_lane(affine_transposer, out[t]);
        }
    }
    // Every row that is not a pivot: its block bytes (as coefficients) times
    // the matrices, added to its words [k0, nw); its block bits end at 0.
    for (std::size_t g = first / 8; g < groups; ++g) {
      std::uint64_t keep = 0;  // byte r all ones: row 8g + r takes the update
      for (unsigned r = 0; r < 8; ++r) {
        const std::size_t i = 8 * g + r;
        if (i < rows && !std::uint64_t(used[i])) keep |= std::uint64_t{0xFF} << (8 * r);
      }
      if (!keep) continue;
      std::uint64_t coef[8];
      std::uint64_t any = 0;
      for (std::size_t k = 0; k < kt; ++k) any |= coef[k] = std::uint64_t(T[g * tw + 8 * k0 + k]) & keep;
      if (!any) continue;
      if constexpr (simd) {
#if SUTRO_CPU_DISPATCH
        gfni_tiles::update_group(tiles + g * tw + 8 * k0, matrices, coef, kt, len, tw);
#endif
      } else {
        for (std::size_t w = 0; w < 8 * len; ++w) {
          std::uint64_t x = T[g * tw + 8 * k0 + w];
          for (std::size_t k = 0; k < kt; ++k) x ^= affine_lane(coef[k], A[k * tw + w]);
          T[g * tw + 8 * k0 + w] = x;
        }
      }
    }
  }
  // Back substitution: the reduced pivot row of column c has no bits below c.
  const auto x = mem(xw);
  for (std::size_t c = n; c-- > 0;) {
    unsigned bit = static_cast<unsigned>((std::uint64_t(S[c * nw + lw]) >> ls) & 1u);
    for (std::size_t k = c / 64; k < nw; ++k)
      bit ^= static_cast<unsigned>(std::popcount(std::uint64_t(S[c * nw + k]) & std::uint64_t(x[k]))) & 1u;
    x[c / 64] |= std::uint64_t{bit} << (c % 64);
  }
  res.stats.samples_used = last + 1;
  res.stats.rank = n;
  res.stats.candidates = 1;
  // Every row that is not a pivot is now 0 = its residual label bit (tile byte n / 8, bit n % 8).
  const auto label_left = [&](std::size_t i) {
    return (std::uint64_t(T[(i / 8) * tw + n / 8]) >> (8 * (i % 8) + n % 8)) & 1u;
  };
  for (std::size_t i = 0; i <= last; ++i) res.stats.disagreements += label_left(i) & ~std::uint64_t(used[i]) & 1u;
  if (res.stats.disagreements) return true;
  if (verify_all) {
    for (std::size_t i = last + 1; i < rows; ++i) res.stats.disagreements += label_left(i);
    for (std::size_t i = rows; i < m; ++i)
      res.stats.disagreements += row_parity(d, i, x, mem) != label_bit_value(d, labels[i]);
    if (res.stats.disagreements) return true;
  }
  res.subset = mask_to_subset(xw, nw);  // the answer read off (not through mem)
  res.status = solve_status::found;
  return true;
}

}  // namespace sutro::solvers::detail
