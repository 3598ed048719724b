#pragma once
// 64x64 block transpose (Hacker's Delight 7-3, for least-significant-bit-first
// columns): six rounds of masked swaps per block instead of 4096 bit moves.

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"

namespace sutro::gf2::kernels {

/// A: word* or an accessed row handle (the tile of a traced transpose is traced too).
template <class A>
inline void transpose64(A a) noexcept(std::is_pointer_v<A>) {
  word m = 0x00000000FFFFFFFFull;
  for (std::size_t j = 32; j != 0; j >>= 1, m ^= m << j) {
    for (std::size_t k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const word x = a[k], y = a[k | j];
      const word t = ((x >> j) ^ y) & m;
      a[k | j] = y ^ t;
      a[k] = x ^ (t << j);
    }
  }
}

/// out = in^T through 64-word tiles; Tile indexes the 64-word scratch tile.
template <class OB, class IB, class Tile>
inline void transpose_tiles(OB out, IB in, Tile tile) noexcept(std::is_pointer_v<Tile>) {
  for (std::size_t bi = 0; bi < in.rows; bi += 64) {
    const std::size_t rn = std::min<std::size_t>(64, in.rows - bi);
    for (std::size_t bj = 0; bj < in.words(); ++bj) {
      for (std::size_t r = 0; r < rn; ++r) tile[r] = word(in.row(bi + r)[bj]);
      for (std::size_t r = rn; r < 64; ++r) tile[r] = word{0};
      transpose64(tile);
      const std::size_t cn = std::min<std::size_t>(64, in.cols - bj * 64);
      for (std::size_t r = 0; r < cn; ++r) out.row(bj * 64 + r)[bi / 64] = word(tile[r]);
    }
  }
}

/// out = in^T; out is cols(in) x rows(in).
inline void transpose(scalar, detail::mblock out, detail::cblock in) noexcept {
  word tile[64];
  transpose_tiles(out, in, tile + 0);
}

}  // namespace sutro::gf2::kernels
