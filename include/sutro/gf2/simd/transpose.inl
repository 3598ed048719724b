// Transpose of `lanes` horizontally adjacent 64x64 tiles at once: row r of
// the tiles is one contiguous load, and the six masked-swap rounds of the
// scalar kernel run on whole registers (each lane is one tile).

inline void transpose(detail::mblock out, detail::cblock in) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
  using batch = word_batch;
  constexpr std::size_t lanes = batch::size;
  alignas(64) std::array<word, 64 * lanes> tile{};
  word scalar_tile[64];
  // Column groups outside, row blocks inside: the output rows of one group
  // (lanes * 64 of them) then fill whole cache lines in consecutive steps.
  const std::size_t full = in.words() / lanes * lanes;
  for (std::size_t bj = 0; bj < full; bj += lanes)
    for (std::size_t bi = 0; bi < in.rows; bi += 64) {
      const std::size_t rn = std::min<std::size_t>(64, in.rows - bi);
      batch t[64];
      for (std::size_t r = 0; r < 64; ++r)
        t[r] = r < rn ? batch::load_unaligned(in.row(bi + r) + bj) : batch(word{0});
      word m = 0x00000000FFFFFFFFull;
      for (std::size_t j = 32; j != 0; j >>= 1, m ^= m << j) {
        const batch mask(m), shift(static_cast<word>(j));
        for (std::size_t k = 0; k < 64; k = ((k | j) + 1) & ~j) {
          const batch x = ((t[k] >> shift) ^ t[k | j]) & mask;
          t[k | j] = t[k | j] ^ x;
          t[k] = t[k] ^ (x << shift);
        }
      }
      for (std::size_t r = 0; r < 64; ++r) t[r].store_aligned(tile.data() + r * lanes);
      for (std::size_t l = 0; l < lanes; ++l) {
        const std::size_t c0 = (bj + l) * 64;
        const std::size_t cn = std::min<std::size_t>(64, in.cols - c0);
        for (std::size_t r = 0; r < cn; ++r) out.row(c0 + r)[bi / 64] = tile[r * lanes + l];
      }
    }
  for (std::size_t bj = full; bj < in.words(); ++bj)
    for (std::size_t bi = 0; bi < in.rows; bi += 64) {
      const std::size_t rn = std::min<std::size_t>(64, in.rows - bi);
      for (std::size_t r = 0; r < rn; ++r) scalar_tile[r] = in.row(bi + r)[bj];
      std::fill(scalar_tile + rn, scalar_tile + 64, word{0});
      transpose64(scalar_tile);
      const std::size_t cn = std::min<std::size_t>(64, in.cols - bj * 64);
      for (std::size_t r = 0; r < cn; ++r) out.row(bj * 64 + r)[bi / 64] = scalar_tile[r];
    }
}

