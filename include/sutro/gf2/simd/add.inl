// Row XOR over whole registers, scalar tail (one level; see kernels.hpp).

/// This level's tag: the reference algorithms (gf2/scalar) called with it find
/// this level's xor_row by argument-dependent lookup.
struct level_tag : ::sutro::scalar {};

using word_batch = ::sutro::vec::batch<word, vector_bytes>;

inline void xor_row(level_tag, word* dst, const word* src, std::size_t n) noexcept {
  using batch = word_batch;
  std::size_t w = 0;
  for (; w + batch::size <= n; w += batch::size)
    (batch::load_unaligned(dst + w) ^ batch::load_unaligned(src + w)).store_unaligned(dst + w);
  for (; w < n; ++w) dst[w] ^= src[w];
}

inline void xor_row(word* dst, const word* src, std::size_t n) noexcept { xor_row(level_tag{}, dst, src, n); }
