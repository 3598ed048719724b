#pragma once
// 64x64 block transpose (Hacker's Delight 7-3, for least-significant-bit-first
// columns): six rounds of masked swaps per block instead of 4096 bit moves.

#include <algorithm>
#include <cstddef>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"

namespace sutro::gf2::kernels {

inline void transpose64(word* a) noexcept {
  word m = 0x00000000FFFFFFFFull;
  for (std::size_t j = 32; j != 0; j >>= 1, m ^= m << j) {
    for (std::size_t k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const word t = ((a[k] >> j) ^ a[k | j]) & m;
      a[k | j] ^= t;
      a[k] ^= t << j;
    }
  }
}

/// out = in^T; out is cols(in) x rows(in).
inline void transpose(scalar, detail::mblock out, detail::cblock in) noexcept {
  word tile[64];
  for (std::size_t bi = 0; bi < in.rows; bi += 64) {
    const std::size_t rn = std::min<std::size_t>(64, in.rows - bi);
    for (std::size_t bj = 0; bj < in.words(); ++bj) {
      for (std::size_t r = 0; r < rn; ++r) tile[r] = in.row(bi + r)[bj];
      std::fill(tile + rn, tile + 64, word{0});
      transpose64(tile);
      const std::size_t cn = std::min<std::size_t>(64, in.cols - bj * 64);
      for (std::size_t r = 0; r < cn; ++r) out.row(bj * 64 + r)[bi / 64] = tile[r];
    }
  }
}

} // namespace sutro::gf2::kernels
