#pragma once
// Row XOR over whole SIMD registers, scalar tail.

#include <cstddef>

#include <xsimd/xsimd.hpp>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/scalar/add.hpp"

namespace sutro::gf2::kernels {

template <class Arch>
inline void xor_row(simd_on<Arch>, word* dst, const word* src, std::size_t n) noexcept {
  using batch = xsimd::batch<word, Arch>;
  std::size_t w = 0;
  for (; w + batch::size <= n; w += batch::size)
    (batch::load_unaligned(dst + w) ^ batch::load_unaligned(src + w)).store_unaligned(dst + w);
  xor_row(scalar{}, dst + w, src + w, n - w);
}

} // namespace sutro::gf2::kernels
