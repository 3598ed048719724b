#pragma once
// Reference products: C[i] ^= B[k] for every set bit A[i][k].

#include <bit>
#include <cstddef>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/access.hpp"
#include "sutro/gf2/scalar/add.hpp"

namespace sutro::gf2::kernels {

/// C += A B; shapes already checked, C does not alias A or B. Blocks: raw or
/// accessed (scalar/access.hpp): one read per word of A, and per set bit
/// A[i][k] one xor_row of B's row k into C's row i.
template <class Tag, class CB, class AB, class BB>
void mul_add_rowwise(Tag tag, CB c, AB a, BB b) {
  const std::size_t cw = c.words();
  for (std::size_t i = 0; i < a.rows; ++i) {
    const auto ar = a.row(i);
    for (std::size_t w = 0; w < a.words(); ++w)
      for (word bits = ar[w]; bits; bits &= bits - 1)
        xor_row(tag, c.row(i), b.row(w * 64 + static_cast<std::size_t>(std::countr_zero(bits))), cw);
  }
}

inline void mul_add(scalar tag, detail::mblock c, detail::cblock a, detail::cblock b, unsigned /*threads*/) {
  mul_add_rowwise(tag, c, a, b);
}

/// y = A x (y zeroed by the caller).
inline void mul_vec(scalar, word* y, detail::cblock a, const word* x) noexcept {
  for (std::size_t i = 0; i < a.rows; ++i) {
    word acc = 0;
    for (std::size_t w = 0; w < a.words(); ++w) acc ^= a.row(i)[w] & x[w];
    if (std::popcount(acc) & 1) y[i / 64] |= word{1} << (i % 64);
  }
}

/// y = x A (y zeroed by the caller).
inline void vec_mul(scalar tag, word* y, const word* x, detail::cblock a) noexcept {
  for (std::size_t k = 0; k < a.rows; ++k)
    if ((x[k / 64] >> (k % 64)) & 1u) xor_row(tag, y, a.row(k), a.words());
}

}  // namespace sutro::gf2::kernels
