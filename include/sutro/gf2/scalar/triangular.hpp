#pragma once
// Reference triangular solves: substitution one row of X at a time, each row
// a whole-word XOR of the rows already solved (diagonal checked by the caller).

#include <bit>
#include <cstddef>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/add.hpp"

namespace sutro::gf2::kernels {

/// X = L^-1 X in place, reading only the strict lower triangle of the n x n L.
template <class Tag>
void trsm_lower_rowwise(Tag tag, detail::mblock x, detail::cblock l) noexcept {
  const std::size_t xw = x.words();
  for (std::size_t i = 1; i < l.rows; ++i)
    for (std::size_t w = 0; w <= (i - 1) / 64; ++w) {
      word bits = l.row(i)[w];
      if (w == i / 64) bits &= (word{1} << (i % 64)) - 1;
      for (; bits; bits &= bits - 1)
        xor_row(tag, x.row(i), x.row(w * 64 + static_cast<std::size_t>(std::countr_zero(bits))), xw);
    }
}

/// X = U^-1 X in place, reading only the strict upper triangle of the n x n U.
template <class Tag>
void trsm_upper_rowwise(Tag tag, detail::mblock x, detail::cblock u) noexcept {
  const std::size_t xw = x.words(), uw = u.words();
  for (std::size_t i = u.rows; i-- > 0;)
    for (std::size_t w = i / 64; w < uw; ++w) {
      word bits = u.row(i)[w];
      if (w == i / 64) bits &= ~((word{2} << (i % 64)) - 1);  // i % 64 == 63: 2 << 63 == 0, all bits cleared
      for (; bits; bits &= bits - 1)
        xor_row(tag, x.row(i), x.row(w * 64 + static_cast<std::size_t>(std::countr_zero(bits))), xw);
    }
}

inline void trsm_lower(scalar tag, detail::mblock x, detail::cblock l, unsigned /*threads*/) noexcept {
  trsm_lower_rowwise(tag, x, l);
}
inline void trsm_upper(scalar tag, detail::mblock x, detail::cblock u, unsigned /*threads*/) noexcept {
  trsm_upper_rowwise(tag, x, u);
}

}  // namespace sutro::gf2::kernels
