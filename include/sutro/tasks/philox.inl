// Philox-4x32-10 in L lanes, compiled once per instruction-set level
// (foreach_level.inl, included by tasks/philox.hpp; no include guard, no
// includes). avx512 and above: 16 lanes per AVX-512 pass (vpmuludq); the other
// lanes, and every lane below avx512, in the portable lane loop, which the
// compiler vectorizes for the level (AVX2: 8 lanes). Lanes are independent,
// so each gives what philox4x32_10 gives for its column.

#if SUTRO_KERNEL_LEVEL >= 3
// 16 x (32 x 32 -> 64) products split into high and low halves: vpmuludq
// multiplies the even lanes; the odd lanes go through a 32-bit shift. The
// maskz forms (full mask) avoid GCC 12's false -Wmaybe-uninitialized on the
// plain intrinsics, whose bodies pass _mm512_undefined_epi32().
inline void mulhilo16(__m512i a, __m512i m, __m512i& hi, __m512i& lo) noexcept {
  const __mmask8 all = 0xFF;
  const __m512i even = _mm512_maskz_mul_epu32(all, a, m);
  const __m512i odd = _mm512_maskz_mul_epu32(all, _mm512_maskz_srli_epi64(all, a, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_maskz_srli_epi64(all, even, 32), odd);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(all, odd, 32));
}

// Lanes [l0, l0 + 16) of c.
template <int L>
inline void philox16(std::uint32_t (&c)[4][L], int l0, std::uint32_t k0, std::uint32_t k1) noexcept {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  __m512i c0 = _mm512_loadu_si512(c[0] + l0), c1 = _mm512_loadu_si512(c[1] + l0);
  __m512i c2 = _mm512_loadu_si512(c[2] + l0), c3 = _mm512_loadu_si512(c[3] + l0);
  const __m512i vm0 = _mm512_set1_epi64(m0), vm1 = _mm512_set1_epi64(m1);
  for (int round = 0; round < 10; ++round) {
    __m512i hi0, lo0, hi1, lo1;
    mulhilo16(c0, vm0, hi0, lo0);
    mulhilo16(c2, vm1, hi1, lo1);
    const __m512i vk0 = _mm512_set1_epi32(static_cast<int>(k0)), vk1 = _mm512_set1_epi32(static_cast<int>(k1));
    c0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), vk0);
    c1 = lo1;
    c2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), vk1);
    c3 = lo0;
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  _mm512_storeu_si512(c[0] + l0, c0);
  _mm512_storeu_si512(c[1] + l0, c1);
  _mm512_storeu_si512(c[2] + l0, c2);
  _mm512_storeu_si512(c[3] + l0, c3);
}
#endif

template <int L>
void philox_lanes(std::uint32_t (&c)[4][L], std::uint32_t k0, std::uint32_t k1) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  int first = 0;
#if SUTRO_KERNEL_LEVEL >= 3
  for (; first + 16 <= L; first += 16) philox16<L>(c, first, k0, k1);
#endif
  if (first == L) return;
  for (int round = 0; round < 10; ++round) {
    for (int l = first; l < L; ++l) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * c[0][l];
      const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * c[2][l];
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c[1][l] ^ k0;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c[3][l] ^ k1;
      c[1][l] = static_cast<std::uint32_t>(p1);
      c[3][l] = static_cast<std::uint32_t>(p0);
      c[0][l] = n0;
      c[2][l] = n2;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
}
