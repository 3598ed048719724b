#pragma once
// The per-thread and per-tile logic of the gf2 CUDA kernels, as plain
// SUTRO_HOST_DEVICE functions: the .cuh kernels are thin shells around these
// (index arithmetic, shared-memory layout, tile transpose, table building),
// and tests/gf2/device_logic_test.cpp runs every one of them on the host
// against the host kernels. Ordinary C++ without nvcc; no CUDA API in here.
//
//   sutro::gf2::device::view v{ptr, rows, cols, stride};
//   sutro::gf2::device::transpose_tile(out, in, bi, bj);   // one 64x64 tile
//
// A block-wide phase takes (tid, nthreads): on the device every thread of a
// block calls it and __syncthreads() separates phases; the host test calls
// it for every tid in turn, which is the same computation since a phase
// never reads what another thread writes in the same phase.

#include <cstddef>
#include <cstdint>

#include "sutro/config/macros.hpp"
#include "sutro/gf2/bit_range.hpp"

#if defined(__CUDA_ARCH__)
#define SUTRO_GF2_UNROLL _Pragma("unroll")
#else
#define SUTRO_GF2_UNROLL
#endif

namespace sutro::gf2::device {

using word = std::uint64_t;

/// A matrix in the gf2 layout (row-major words, stride words per row), any memory.
template <class Word>
struct basic_view {
  Word* data = nullptr;
  std::size_t rows = 0, cols = 0, stride = 0;
  SUTRO_HOST_DEVICE Word* row(std::size_t i) const noexcept { return data + i * stride; }
  SUTRO_HOST_DEVICE std::size_t words() const noexcept { return (cols + 63) / 64; }
};
using view = basic_view<word>;
using cview = basic_view<const word>;

SUTRO_HOST_DEVICE cview as_const(view v) noexcept { return {v.data, v.rows, v.cols, v.stride}; }

/// Valid bits of the last word of a row of `bits` columns.
SUTRO_HOST_DEVICE word tail_mask(std::size_t bits) noexcept {
  return bits % 64 == 0 ? ~word{0} : (word{1} << (bits % 64)) - 1;
}

// ---- transpose ------------------------------------------------------------

/// In-place 64x64 bit transpose (Hacker's Delight 7-3, as the scalar kernel).
SUTRO_HOST_DEVICE void transpose64(word* a) noexcept {
  word m = 0x00000000FFFFFFFFull;
  for (std::size_t j = 32; j != 0; j >>= 1, m ^= m << j) {
    for (std::size_t k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const word t = ((a[k] >> j) ^ a[k | j]) & m;
      a[k | j] ^= t;
      a[k] ^= t << j;
    }
  }
}

/// out = in^T for tile (bi, bj): rows [64 bi, 64 bi + 64) of in, word bj.
/// Every used word of out is written by exactly one tile.
SUTRO_HOST_DEVICE void transpose_tile(view out, cview in, std::size_t bi, std::size_t bj) noexcept {
  word tile[64];
  const std::size_t r0 = bi * 64;
  const std::size_t rn = in.rows - r0 < 64 ? in.rows - r0 : 64;
  for (std::size_t r = 0; r < 64; ++r) tile[r] = r < rn ? in.row(r0 + r)[bj] : 0;
  transpose64(tile);
  const std::size_t cn = in.cols - bj * 64 < 64 ? in.cols - bj * 64 : 64;
  for (std::size_t r = 0; r < cn; ++r) out.row(bj * 64 + r)[bi] = tile[r];
}

// ---- bit ranges (concatenation, solutions, nullspace) ----------------------

using gf2::detail::bits_at;

/// Word w of the row [a | b] (a has acols columns, b bcols; zero bits past each).
SUTRO_HOST_DEVICE word hcat_word(const word* a, std::size_t acols, const word* b, std::size_t bcols,
                                 std::size_t w) noexcept {
  const std::size_t awords = (acols + 63) / 64, bwords = (bcols + 63) / 64;
  word v = w < awords ? a[w] : 0;
  const std::size_t lo = w * 64;
  if (lo + 64 <= acols || bwords == 0) return v;
  if (lo >= acols) return v | bits_at(b, bwords, lo - acols);
  return v | (b[0] << (acols - lo));  // b starts inside this word
}

/// Word w of columns [c0, c0 + ncols) of a row of nwords words.
SUTRO_HOST_DEVICE word columns_word(const word* row, std::size_t nwords, std::size_t c0, std::size_t ncols,
                                    std::size_t w) noexcept {
  word v = bits_at(row, nwords, c0 + w * 64);
  if (ncols - w * 64 < 64) v &= (word{1} << (ncols - w * 64)) - 1;
  return v;
}

/// Word w of row `rho` of the nullspace basis (columns: basis vectors) from a
/// reduced echelon form r. role[rho] >= 0: rho is the pivot column of row
/// role[rho] of r; role[rho] = -(j + 1): rho is free column j (free_cols[j]).
SUTRO_HOST_DEVICE word nullspace_word(cview r, const std::int64_t* role, const std::size_t* free_cols,
                                      std::size_t nfree, std::size_t rho, std::size_t w) noexcept {
  const std::int64_t ro = role[rho];
  if (ro < 0) {
    const std::size_t j = static_cast<std::size_t>(-(ro + 1));
    return j / 64 == w ? word{1} << (j % 64) : 0;
  }
  const word* prow = r.row(static_cast<std::size_t>(ro));
  word v = 0;
  for (std::size_t b = 0; b < 64 && w * 64 + b < nfree; ++b) {
    const std::size_t f = free_cols[w * 64 + b];
    v |= ((prow[f / 64] >> (f % 64)) & 1u) << b;
  }
  return v;
}

/// role and free_cols for nullspace_word from the pivot columns of a rank-`rank`
/// reduced form of n columns (host code; free_cols gets n - rank entries).
inline void nullspace_roles(const std::size_t* pivots, std::size_t rank, std::size_t n, std::int64_t* role,
                            std::size_t* free_cols) noexcept {
  for (std::size_t f = 0; f < n; ++f) role[f] = -1;
  for (std::size_t t = 0; t < rank; ++t) role[pivots[t]] = static_cast<std::int64_t>(t);
  std::size_t nfree = 0;
  for (std::size_t f = 0; f < n; ++f)
    if (role[f] < 0) {
      role[f] = -static_cast<std::int64_t>(nfree) - 1;
      free_cols[nfree++] = f;
    }
}

// ---- elimination: one pivot column per step ---------------------------------

/// Elimination state, kept in device memory between launches: r is the next
/// pivot row; found says whether column c had a pivot (committed by the next step).
struct elim_state {
  unsigned long long r = 0;
  unsigned long long found = 0;
};

/// Start of a step: commits the previous column's pivot. One thread.
SUTRO_HOST_DEVICE void elim_begin(elim_state& s) noexcept {
  if (s.found) {
    ++s.r;
    s.found = 0;
  }
}
/// Whether row i can be the pivot of column c (the pivot is the smallest such i >= r).
SUTRO_HOST_DEVICE bool elim_candidate(cview a, const elim_state& s, std::size_t c, std::size_t i) noexcept {
  return i >= s.r && i < a.rows && ((a.row(i)[c / 64] >> (c % 64)) & 1u);
}
/// Swap word j (>= c / 64) of rows p and r; words left of c / 64 are zero in both.
SUTRO_HOST_DEVICE void elim_swap_word(view a, const elim_state& s, std::size_t p, std::size_t j) noexcept {
  word* x = a.row(p);
  word* y = a.row(s.r);
  const word t = x[j];
  x[j] = y[j];
  y[j] = t;
}
/// Whether row i is eliminated by the pivot row in column c (read before any write to row i).
SUTRO_HOST_DEVICE bool elim_needs(cview a, const elim_state& s, std::size_t c, std::size_t i, bool reduced) noexcept {
  if (!s.found || i == s.r || (!reduced && i < s.r)) return false;
  return (a.row(i)[c / 64] >> (c % 64)) & 1u;
}
/// row i ^= pivot row, word j (>= c / 64).
SUTRO_HOST_DEVICE void elim_xor_word(view a, const elim_state& s, std::size_t i, std::size_t j) noexcept {
  a.row(i)[j] ^= a.row(s.r)[j];
}

// ---- Method of Four Russians product, one block per C tile -------------------
//
// A block owns C rows [i0, i0 + m4rm_rows) x words [w0, w0 + m4rm_tile_words).
// For each 64-row slab of B (one word of A), it builds eight 8-bit tables
// (table c, entry x = XOR of slab rows 8c + b for the set bits b of x) in
// two phases: 16-entry halves from the slab in global memory, then
// T[c][h << 4 | l] = lo[c][l] ^ hi[c][h]. Each thread then XORs eight
// entries per row into m4rm_rows_per_thread register accumulators.

inline constexpr unsigned m4rm_threads = 256;
inline constexpr std::size_t m4rm_tile_words = 4;
inline constexpr std::size_t m4rm_row_lanes = m4rm_threads / m4rm_tile_words;  // 64
inline constexpr std::size_t m4rm_rows_per_thread = 16;
inline constexpr std::size_t m4rm_rows = m4rm_row_lanes * m4rm_rows_per_thread;  // 1024
/// Shared words: 8 x 256 table entries plus 8 x 2 x 16 half-table entries, tile words each.
inline constexpr std::size_t m4rm_table_words = 8 * 256 * m4rm_tile_words;
inline constexpr std::size_t m4rm_half_words = 8 * 2 * 16 * m4rm_tile_words;
inline constexpr std::size_t m4rm_shared_words = m4rm_table_words + m4rm_half_words;

/// Phase 1: the half tables of slab kw (B rows [64 kw, 64 kw + 64), rows >= k read as zero).
SUTRO_HOST_DEVICE void m4rm_build_halves(word* half, cview b, std::size_t kw, std::size_t w0, unsigned tid,
                                         unsigned nthreads) noexcept {
  const std::size_t bwords = b.words();
  for (std::size_t item = tid; item < m4rm_half_words; item += nthreads) {
    const std::size_t w = item % m4rm_tile_words;
    const std::size_t x = (item / m4rm_tile_words) % 16;
    const std::size_t hc = item / (m4rm_tile_words * 16);  // 2 c + (high half)
    const std::size_t first = kw * 64 + hc * 4;            // 8 c + 4 h
    word v = 0;
    if (w0 + w < bwords)
      for (std::size_t bit = 0; bit < 4; ++bit)
        if (((x >> bit) & 1u) && first + bit < b.rows) v ^= b.row(first + bit)[w0 + w];
    half[item] = v;
  }
}
/// Phase 2: the full tables from the halves.
SUTRO_HOST_DEVICE void m4rm_build_tables(word* table, const word* half, unsigned tid, unsigned nthreads) noexcept {
  for (std::size_t item = tid; item < m4rm_table_words; item += nthreads) {
    const std::size_t w = item % m4rm_tile_words;
    const std::size_t x = (item / m4rm_tile_words) % 256;
    const std::size_t c = item / (m4rm_tile_words * 256);
    const word lo = half[((2 * c) * 16 + (x & 15)) * m4rm_tile_words + w];
    const word hi = half[((2 * c + 1) * 16 + (x >> 4)) * m4rm_tile_words + w];
    table[item] = lo ^ hi;
  }
}
/// Phase 3 (this thread): acc[rr] ^= sum over the 8 bytes of A[row][kw] of table entries.
SUTRO_HOST_DEVICE void m4rm_accumulate(word* acc, const word* table, cview a, std::size_t i0, std::size_t kw,
                                       unsigned tid) noexcept {
  const std::size_t w = tid % m4rm_tile_words, lane = tid / m4rm_tile_words;
  // Unrolled on the device so that acc stays in registers.
  SUTRO_GF2_UNROLL
  for (std::size_t rr = 0; rr < m4rm_rows_per_thread; ++rr) {
    const std::size_t i = i0 + lane + rr * m4rm_row_lanes;
    if (i < a.rows) {
      const word x = a.row(i)[kw];
      word v = acc[rr];
      SUTRO_GF2_UNROLL
      for (std::size_t c = 0; c < 8; ++c) v ^= table[(c * 256 + ((x >> (8 * c)) & 255u)) * m4rm_tile_words + w];
      acc[rr] = v;
    }
  }
}
/// Last step (this thread): C ^= acc on the tile (words past C's used words untouched).
SUTRO_HOST_DEVICE void m4rm_store(view c, const word* acc, std::size_t i0, std::size_t w0, unsigned tid) noexcept {
  const std::size_t w = tid % m4rm_tile_words, lane = tid / m4rm_tile_words;
  if (w0 + w >= c.words()) return;
  SUTRO_GF2_UNROLL
  for (std::size_t rr = 0; rr < m4rm_rows_per_thread; ++rr) {
    const std::size_t i = i0 + lane + rr * m4rm_row_lanes;
    if (i < c.rows) c.row(i)[w0 + w] ^= acc[rr];
  }
}

// ---- b1 tensor-core product (mma.sync m16n8k256 .and.popc, sm_80+) ---------
//
// C[i][j] = parity of popcount(A row i AND B column j) over k: the columns
// of B are the rows of B^T, so the kernel reads A and B^T (both k bits a
// row, same stride) 256 bits at a time. A warp owns 32 rows x 64 columns of
// C (2 x 8 mma tiles), i.e. one output word per row. Fragment layout (PTX
// ISA, .b1 m16n8k256; g = lane / 4, t = lane % 4; "u32 q" = bits
// [32 q, 32 q + 32) of a row within the 256-bit step):
//   A: a0 (row g, u32 t), a1 (row g + 8, u32 t), a2 (row g, u32 t + 4), a3 (row g + 8, u32 t + 4)
//   B: b0 (column g, u32 t), b1 (column g, u32 t + 4)
//   C: c0 (row g, column 2t), c1 (row g, 2t + 1), c2 (row g + 8, 2t), c3 (row g + 8, 2t + 1)

inline constexpr std::size_t bmma_warp_rows = 32;
inline constexpr std::size_t bmma_warp_cols = 64;
inline constexpr unsigned bmma_warps = 4;  // per block, stacked over rows

/// u32 q of row i (zero past the last row; q < 2 stride).
SUTRO_HOST_DEVICE std::uint32_t load_u32(cview m, std::size_t i, std::size_t q) noexcept {
  if (i >= m.rows) return 0;
  return static_cast<std::uint32_t>(m.row(i)[q / 2] >> (32 * (q % 2)));
}
/// This lane's A fragment of rows [row0, row0 + 16), 256-bit step kc.
SUTRO_HOST_DEVICE void bmma_a_fragment(std::uint32_t* frag, cview a, std::size_t row0, std::size_t kc,
                                       unsigned lane) noexcept {
  const std::size_t g = lane / 4, q = kc * 8 + lane % 4;
  frag[0] = load_u32(a, row0 + g, q);
  frag[1] = load_u32(a, row0 + g + 8, q);
  frag[2] = load_u32(a, row0 + g, q + 4);
  frag[3] = load_u32(a, row0 + g + 8, q + 4);
}
/// This lane's B fragment of columns [col0, col0 + 8) (rows of bt), step kc.
SUTRO_HOST_DEVICE void bmma_b_fragment(std::uint32_t* frag, cview bt, std::size_t col0, std::size_t kc,
                                       unsigned lane) noexcept {
  const std::size_t g = lane / 4, q = kc * 8 + lane % 4;
  frag[0] = load_u32(bt, col0 + g, q);
  frag[1] = load_u32(bt, col0 + g, q + 4);
}
/// Row (0..15) and column (0..7) of accumulator register r of this lane.
SUTRO_HOST_DEVICE void bmma_c_position(unsigned lane, unsigned r, std::size_t& row, std::size_t& col) noexcept {
  row = lane / 4 + 8 * (r / 2);
  col = 2 * (lane % 4) + r % 2;
}
/// 256-bit steps of a product with k-bit rows (padding words are zero, and a
/// stride of 8 words holds two steps).
SUTRO_HOST_DEVICE std::size_t bmma_steps(std::size_t k) noexcept { return ((k + 63) / 64 + 3) / 4; }

}  // namespace sutro::gf2::device
