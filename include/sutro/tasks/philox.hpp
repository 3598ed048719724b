#pragma once
// Philox-4x32-10 (Salmon et al., SC'11): a counter-based generator. The output
// is a pure function of (key, counter), so sample i of a data set can be made
// on any backend, thread or chunk and always be the same bits.
//
//   sutro::tasks::philox4x32 rng{seed};
//   auto r = rng(/*counter*/ {i_lo, i_hi, purpose, block});   // 4 x 32 random bits
//
// Checked against the Random123 known-answer vectors (tests/tasks).

#include <array>
#include <cstdint>

#include "sutro/config/macros.hpp"

#if defined(__AVX512F__) && !defined(__CUDA_ARCH__)
#include <immintrin.h>
#define SUTRO_PHILOX_AVX512 1
#endif

namespace sutro::tasks {

struct philox_block {
  std::uint32_t v[4];
};

SUTRO_HOST_DEVICE philox_block philox4x32_10(philox_block ctr, std::uint32_t k0,
                                              std::uint32_t k1) {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * ctr.v[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * ctr.v[2];
    const std::uint32_t hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const std::uint32_t hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    ctr = philox_block{{hi1 ^ ctr.v[1] ^ k0, lo1, hi0 ^ ctr.v[3] ^ k1, lo0}};
    k0 += w0;
    k1 += w1;
  }
  return ctr;
}

/// L independent Philox-4x32-10 blocks at once, in structure-of-arrays form
/// (c[word][lane], in place): the lane loop vectorizes (AVX-512: 16 lanes).
#if defined(SUTRO_PHILOX_AVX512)
namespace detail {
// 16 x (32 x 32 -> 64) products split into high and low halves: vpmuludq
// multiplies the even lanes; the odd lanes go through a 32-bit shift. The
// maskz forms (full mask) avoid GCC 12's false -Wmaybe-uninitialized on the
// plain intrinsics, whose bodies pass _mm512_undefined_epi32().
inline void mulhilo16(__m512i a, __m512i m, __m512i& hi, __m512i& lo) {
  const __mmask8 all = 0xFF;
  const __m512i even = _mm512_maskz_mul_epu32(all, a, m);
  const __m512i odd = _mm512_maskz_mul_epu32(all, _mm512_maskz_srli_epi64(all, a, 32), m);
  hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_maskz_srli_epi64(all, even, 32), odd);
  lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(all, odd, 32));
}
} // namespace detail
#endif

template <int L>
SUTRO_HOST_DEVICE void philox4x32_10_lanes(std::uint32_t (&c)[4][L], std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
#if defined(SUTRO_PHILOX_AVX512)
  if constexpr (L == 16) {
    __m512i c0 = _mm512_loadu_si512(c[0]), c1 = _mm512_loadu_si512(c[1]);
    __m512i c2 = _mm512_loadu_si512(c[2]), c3 = _mm512_loadu_si512(c[3]);
    const __m512i vm0 = _mm512_set1_epi64(m0), vm1 = _mm512_set1_epi64(m1);
    for (int round = 0; round < 10; ++round) {
      __m512i hi0, lo0, hi1, lo1;
      detail::mulhilo16(c0, vm0, hi0, lo0);
      detail::mulhilo16(c2, vm1, hi1, lo1);
      const __m512i vk0 = _mm512_set1_epi32(static_cast<int>(k0)), vk1 = _mm512_set1_epi32(static_cast<int>(k1));
      c0 = _mm512_xor_si512(_mm512_xor_si512(hi1, c1), vk0);
      c1 = lo1;
      c2 = _mm512_xor_si512(_mm512_xor_si512(hi0, c3), vk1);
      c3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    _mm512_storeu_si512(c[0], c0);
    _mm512_storeu_si512(c[1], c1);
    _mm512_storeu_si512(c[2], c2);
    _mm512_storeu_si512(c[3], c3);
    return;
  }
#endif
  for (int round = 0; round < 10; ++round) {
    for (int l = 0; l < L; ++l) {
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

/// Philox-4x32-10 keyed by a 64-bit seed.
struct philox4x32 {
  std::uint64_t seed = 0;

  SUTRO_HOST_DEVICE philox_block operator()(philox_block counter) const {
    return philox4x32_10(counter, static_cast<std::uint32_t>(seed),
                         static_cast<std::uint32_t>(seed >> 32));
  }
  /// Two 64-bit words for (index, purpose, block): the layout every generator uses.
  SUTRO_HOST_DEVICE void words(std::uint64_t index, std::uint32_t purpose, std::uint32_t block,
                               std::uint64_t& w0, std::uint64_t& w1) const {
    const philox_block r = (*this)(philox_block{{static_cast<std::uint32_t>(index),
                                                 static_cast<std::uint32_t>(index >> 32), purpose,
                                                 block}});
    w0 = r.v[0] | static_cast<std::uint64_t>(r.v[1]) << 32;
    w1 = r.v[2] | static_cast<std::uint64_t>(r.v[3]) << 32;
  }
};

} // namespace sutro::tasks
