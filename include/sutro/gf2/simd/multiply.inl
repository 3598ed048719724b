// The product: Strassen-Winograd above a cutoff over GFNI or Four Russians.

#if SUTRO_KERNEL_LEVEL >= 4
/// Whether the GFNI product takes C += A B (it needs a few row blocks of A
/// and a nonempty k and C).
inline bool gfni_takes(detail::mblock c, detail::cblock a) noexcept {
  return a.rows >= gfni::min_rows && c.words() != 0 && a.words() != 0;
}
#endif

/// Whether block b holds no one. The bits past b.cols in a row's last word
/// are not b's (a window's parent's other columns). A dense block answers
/// after its first row.
[[nodiscard]] inline bool all_zero(detail::cblock b) noexcept {
  const std::size_t full = b.cols / 64, rest = b.cols % 64;
  const word last = rest != 0 ? (word{1} << rest) - 1 : word{0};
  for (std::size_t i = 0; i < b.rows; ++i) {
    const word* row = b.row(i);
    word x = rest != 0 ? row[full] & last : word{0};
    for (std::size_t w = 0; w < full; ++w) x |= row[w];
    if (x != 0) return false;
  }
  return true;
}

/// The product without Strassen: GFNI at the levels that have it, else Four Russians.
inline void base_mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (all_zero(a) || all_zero(b)) return;  // C += 0: the zero blocks of triangular and structured operands
#if SUTRO_KERNEL_LEVEL >= 4
  if (gfni_takes(c, a)) return gfni::mul_add(c, a, b, threads, 0);
#endif
  m4rm_mul_add(c, a, b, threads);
}

/// Strassen-Winograd recursion over Four Russians (the levels without GFNI)
/// while all dimensions reach this. The value was measured over the GFNI
/// product on a Zen 5 (8192^3 as fast direct as with one level, 16384^3 1.2x
/// faster with one level) and has not been measured over Four Russians.
inline constexpr std::size_t strassen_cutoff = 12288;

/// C += A B; `cutoff` (bits, 0: this level's) is where Strassen-Winograd
/// stops. The GFNI product runs its own recursion on packed operands.
inline void mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads, std::size_t cutoff = 0) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (all_zero(a) || all_zero(b)) return;
#if SUTRO_KERNEL_LEVEL >= 4
  if (gfni_takes(c, a)) return gfni::mul_add(c, a, b, threads, cutoff != 0 ? cutoff : gfni::strassen_cutoff);
#endif
  strassen_mul_add(level_tag{}, c, a, b, cutoff != 0 ? cutoff : strassen_cutoff,
                   [&](detail::mblock cc, detail::cblock aa, detail::cblock bb) { base_mul_add(cc, aa, bb, threads); });
}
