// The product: Strassen-Winograd above a cutoff over GFNI or Four Russians.

/// The product without Strassen: GFNI at the levels that have it, else Four Russians.
inline void base_mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads) {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 4
  if (a.rows >= gfni::min_rows && c.words() != 0 && a.words() != 0) return gfni::mul_add(c, a, b, threads, 0);
#endif
  m4rm_mul_add(c, a, b, threads);
}

/// Strassen-Winograd recursion over Four Russians while all dimensions reach
/// this. Measured (single thread, on the GFNI base before it ran its own
/// recursion on packed operands): 8192^3 as fast direct as with one level
/// (0.036 s both), 16384^3 1.2x faster with one level.
inline constexpr std::size_t strassen_cutoff = 12288;

/// C += A B; `cutoff` (bits, 0: this level's) is where Strassen-Winograd stops.
inline void mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads, std::size_t cutoff = 0) {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 4
  if (a.rows >= gfni::min_rows && c.words() != 0 && a.words() != 0)
    return gfni::mul_add(c, a, b, threads, cutoff != 0 ? cutoff : gfni::strassen_cutoff);
#endif
  strassen_mul_add(level_tag{}, c, a, b, cutoff != 0 ? cutoff : strassen_cutoff,
                   [&](detail::mblock cc, detail::cblock aa, detail::cblock bb) { base_mul_add(cc, aa, bb, threads); });
}
