#pragma once
// Reference row XOR (the loop itself is kernels::xor_words, shared with traced rows).

#include <cstddef>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/access.hpp"

namespace sutro::gf2::kernels {

inline void xor_row(scalar, word* dst, const word* src, std::size_t n) noexcept { xor_words(dst, src, n); }

}  // namespace sutro::gf2::kernels
