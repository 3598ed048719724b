#pragma once
// Reference elimination: one pivot at a time, whole-word row XORs.

#include <algorithm>
#include <cstddef>
#include <vector>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/add.hpp"

namespace sutro::gf2 {

/// What an elimination found: the rank and the pivot column of each pivot row.
struct echelon_info {
  std::size_t rank = 0;
  std::vector<std::size_t> pivots;
};

namespace kernels {

// Rows at and below the current pivot row are zero left of the current column,
// so swaps and XORs start at the pivot's word.
template <class Tag>
echelon_info echelonize_rowwise(Tag tag, detail::mblock a, bool reduced, std::size_t col_limit) {
  echelon_info info;
  const std::size_t used = a.words();
  std::size_t r = 0;
  for (std::size_t c = 0; c < col_limit && r < a.rows; ++c) {
    const std::size_t w = c / 64;
    const word bit = word{1} << (c % 64);
    std::size_t p = r;
    while (p < a.rows && !(a.row(p)[w] & bit)) ++p;
    if (p == a.rows) continue;
    if (p != r) std::swap_ranges(a.row(p) + w, a.row(p) + used, a.row(r) + w);
    for (std::size_t i = reduced ? 0 : r + 1; i < a.rows; ++i)
      if (i != r && (a.row(i)[w] & bit)) xor_row(tag, a.row(i) + w, a.row(r) + w, used - w);
    info.pivots.push_back(c);
    ++r;
  }
  info.rank = r;
  return info;
}

inline echelon_info echelonize(scalar tag, detail::mblock a, bool reduced, std::size_t col_limit,
                               unsigned /*threads*/) {
  return echelonize_rowwise(tag, a, reduced, col_limit);
}

} // namespace kernels
} // namespace sutro::gf2
