#pragma once
// Reference elimination: one pivot at a time, whole-word row XORs.

#include <algorithm>
#include <cstddef>
#include <vector>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/access.hpp"
#include "sutro/gf2/scalar/add.hpp"

namespace sutro::gf2 {

/// What an elimination found: the rank and the pivot column of each pivot row.
struct echelon_info {
  std::size_t rank = 0;
  std::vector<std::size_t> pivots;
};

namespace kernels {

// Rows at and below the current pivot row are zero left of the current column,
// so swaps and XORs start at the pivot's word. Block: detail::mblock, or a
// detail::accessed_block (traced runs; see scalar/access.hpp).
template <class Tag, class Block>
echelon_info echelonize_rowwise(Tag tag, Block a, bool reduced, std::size_t col_limit) {
  echelon_info info;
  const std::size_t used = a.words();
  std::size_t r = 0;
  for (std::size_t c = 0; c < col_limit && r < a.rows; ++c) {
    const std::size_t w = c / 64;
    const word bit = word{1} << (c % 64);
    std::size_t p = r;
    while (p < a.rows && !(word(a.row(p)[w]) & bit)) ++p;
    if (p == a.rows) continue;
    if (p != r) swap_words(a.row(p) + w, a.row(r) + w, used - w);
    for (std::size_t i = reduced ? 0 : r + 1; i < a.rows; ++i)
      if (i != r && (word(a.row(i)[w]) & bit)) xor_row(tag, a.row(i) + w, a.row(r) + w, used - w);
    info.pivots.push_back(c);
    ++r;
  }
  info.rank = r;
  return info;
}

/// Where a PLE elimination records its factors: l is m x m, zero on entry
/// (only columns left of the current pivot row are ever set, so swapping
/// rows left of it moves exactly the multipliers found so far); perm starts
/// as the identity.
struct ple_sink {
  detail::mblock l;
  std::size_t* perm;
  /// Multiplier column j is column col0 + j of l (a recursive PLE records a
  /// block's factors at its rank offset, any bit).
  std::size_t col0 = 0;
  void set(std::size_t i, std::size_t j) noexcept {
    j += col0;
    l.row(i)[j / 64] |= word{1} << (j % 64);
  }
  /// Row i, columns [j, j + 64) |= bits (columns past l.cols are never set).
  void set_bits(std::size_t i, std::size_t j, word bits) noexcept {
    j += col0;
    word* row = l.row(i);
    row[j / 64] |= bits << (j % 64);
    if (j % 64 != 0 && (bits >> (64 - j % 64)) != 0) row[j / 64 + 1] |= bits >> (64 - j % 64);
  }
  /// Swaps rows i and k, one of them the next pivot row: both hold
  /// multipliers only left of column col0 + min(i, k), so only those words
  /// move (a whole row is a kilobyte at 8192 columns).
  void swap(std::size_t i, std::size_t k) noexcept {
    const std::size_t words = std::min(l.words(), (col0 + std::min(i, k) + 63) / 64);
    std::swap_ranges(l.row(i), l.row(i) + words, l.row(k));
    std::swap(perm[i], perm[k]);
  }
};

/// Reference PLE: the reference elimination, recording swaps and multipliers.
template <class Tag>
echelon_info ple_rowwise(Tag tag, detail::mblock a, ple_sink& out) {
  echelon_info info;
  const std::size_t used = a.words();
  std::size_t r = 0;
  for (std::size_t c = 0; c < a.cols && r < a.rows; ++c) {
    const std::size_t w = c / 64;
    const word bit = word{1} << (c % 64);
    std::size_t p = r;
    while (p < a.rows && !(a.row(p)[w] & bit)) ++p;
    if (p == a.rows) continue;
    if (p != r) {
      std::swap_ranges(a.row(p) + w, a.row(p) + used, a.row(r) + w);
      out.swap(p, r);
    }
    for (std::size_t i = r + 1; i < a.rows; ++i)
      if (a.row(i)[w] & bit) {
        xor_row(tag, a.row(i) + w, a.row(r) + w, used - w);
        out.set(i, r);
      }
    out.set(r, r);
    info.pivots.push_back(c);
    ++r;
  }
  info.rank = r;
  return info;
}

inline echelon_info ple(scalar tag, detail::mblock a, ple_sink& out, unsigned /*threads*/) {
  return ple_rowwise(tag, a, out);
}

inline echelon_info echelonize(scalar tag, detail::mblock a, bool reduced, std::size_t col_limit,
                               unsigned /*threads*/) {
  return echelonize_rowwise(tag, a, reduced, col_limit);
}

}  // namespace kernels
}  // namespace sutro::gf2
