#pragma once
// Reference row XOR.

#include <cstddef>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"

namespace sutro::gf2::kernels {

inline void xor_row(scalar, word* dst, const word* src, std::size_t n) noexcept {
  for (std::size_t w = 0; w < n; ++w) dst[w] ^= src[w];
}

} // namespace sutro::gf2::kernels
