#pragma once
// detail::bits_at: the 64 bits of a bit-packed row that start at any bit
// offset, for code that moves column ranges between rows (gf2::solve's
// [A | B] and its solution/nullspace extraction, and the same steps of the
// CUDA solve). Host and device code.

#include <cstddef>
#include <cstdint>

#include "sutro/config/macros.hpp"

namespace sutro::gf2::detail {

/// Bits [bit, bit + 64) of a row of nwords words; words at or past nwords read as zero.
SUTRO_HOST_DEVICE std::uint64_t bits_at(const std::uint64_t* row, std::size_t nwords, std::size_t bit) noexcept {
  const std::size_t w = bit / 64, s = bit % 64;
  if (w >= nwords) return 0;
  std::uint64_t v = row[w] >> s;
  if (s != 0 && w + 1 < nwords) v |= row[w + 1] << (64 - s);
  return v;
}

}  // namespace sutro::gf2::detail
