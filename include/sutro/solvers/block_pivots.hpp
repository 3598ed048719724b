#pragma once
// The pivot search of one block of columns, shared by gf2_elimination's wide
// paths (gauss_jordan_wide's tables and gauss_jordan_tiles' GFNI tiles): the
// pivot of column j is the earliest row not yet a pivot with bit j set once
// reduced by the block's pivots so far, so the pivots are the rows the
// incremental basis finds independent.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace sutro::solvers::detail {

/// Finds the pivots of block columns 0..J-1 (J <= 64) among rows [lo, rows).
/// block_word(i) is row i's block bits, column j at bit j (read once per row,
/// in row order). Rows searched keep their reduced block word in w0[i] and
/// which pivots they took in code[i] (bit l: the block's pivot l); a pivot is
/// flagged in used (all ones) and reported through on_pivot(j, row) before
/// anything else is written for it. On return piv[j] is column j's pivot row,
/// rw[j] its block word reduced to the unit vector j, inv[j] that as a sum of
/// the block's pivot rows; lo has passed the leading pivots and last is the
/// largest pivot row. Returns false when a column has no pivot.
template <class Used, class Reduced, class Code, class BlockWord, class OnPivot>
[[nodiscard]] bool find_block_pivots(std::size_t J, std::size_t rows, std::size_t& lo, std::size_t& last, Used used,
                                     Reduced w0, Code code, BlockWord&& block_word, OnPivot&& on_pivot,
                                     std::size_t* piv, std::uint64_t* rw, std::uint64_t* inv) {
  // The search widens f row by row; the pivots so far stay reduced against
  // each other, so a new row takes each of them by its own bit, not one after
  // another.
  std::size_t f = lo;
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
    on_pivot(j, p);
    piv[j] = p;
    last = std::max(last, p);
    rw[j] = w0[p];
    inv[j] = std::uint64_t(code[p]) | std::uint64_t{1} << j;
    for (std::size_t l = 0; l < j; ++l) {  // keep the pivots so far reduced
      const std::uint64_t mk = std::uint64_t{0} - ((rw[l] >> sh) & 1u);
      rw[l] ^= rw[j] & mk;
      inv[l] ^= inv[j] & mk;
    }
    for (std::size_t i = p + 1; i < f; ++i) {  // the few rows already reduced past p
      const std::uint64_t mk = (std::uint64_t{0} - ((std::uint64_t(w0[i]) >> sh) & 1u)) & ~std::uint64_t(used[i]);
      w0[i] ^= rw[j] & mk;
      code[i] ^= inv[j] & mk;
    }
  }
  return true;
}

}  // namespace sutro::solvers::detail
