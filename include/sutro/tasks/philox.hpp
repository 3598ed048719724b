#pragma once
// Philox-4x32-10 (Salmon et al., SC'11): a counter-based generator. The output
// is a pure function of (key, counter), so sample i of a data set can be made
// on any backend, thread or chunk and always be the same bits.
//
//   sutro::tasks::philox4x32 rng{seed};
//   auto r = rng(/*counter*/ {i_lo, i_hi, purpose, block});   // 4 x 32 random bits
//
// Checked against the Random123 known-answer vectors (tests/tasks).
//
// Many blocks at once: philox4x32_10_lanes(c, k0, k1) is the portable lane
// loop (host and device). The host generators call the tagged overload, whose
// sutro::simd kernel is chosen at run time (philox.inl, once per
// instruction-set level): AVX-512 16 lanes at a time where the CPU has it, in
// any binary whatever its -march; the same bits on every level and backend.

#include <array>
#include <cstdint>

#include "sutro/backend/cpu.hpp"
#include "sutro/backend/dispatch.hpp"
#include "sutro/backend/tags.hpp"
#include "sutro/config/macros.hpp"

#if SUTRO_CPU_DISPATCH
#include <immintrin.h>
#endif

namespace sutro::tasks {

struct philox_block {
  std::uint32_t v[4];
};

SUTRO_HOST_DEVICE philox_block philox4x32_10(philox_block ctr, std::uint32_t k0, std::uint32_t k1) {
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
/// (c[word][lane], in place): the portable lane loop, usable in device code.
template <int L>
SUTRO_HOST_DEVICE void philox4x32_10_lanes(std::uint32_t (&c)[4][L], std::uint32_t k0, std::uint32_t k1) {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
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

namespace philox_kernels {
#define SUTRO_FOREACH_LEVEL_FILE "sutro/tasks/philox.inl"
#include "sutro/backend/foreach_level.inl"
}  // namespace philox_kernels

/// The same lanes on the host, by backend: scalar runs the portable loop
/// above; simd_on<Arch> the kernel of its level (sutro::simd: the CPU's best),
/// AVX-512 at avx512 and above. Same bits either way.
template <int L>
inline void philox4x32_10_lanes(scalar, std::uint32_t (&c)[4][L], std::uint32_t k0, std::uint32_t k1) {
  philox4x32_10_lanes<L>(c, k0, k1);
}
SUTRO_DISPATCH_ENTRIES_BEGIN
template <class Arch, int L>
inline void philox4x32_10_lanes(simd_on<Arch> tag, std::uint32_t (&c)[4][L], std::uint32_t k0, std::uint32_t k1) {
  using namespace philox_kernels;
  const cpu::level l = kernel_level(tag, "sutro::tasks::philox4x32_10_lanes");
  SUTRO_DISPATCH_LEVEL(l, philox_lanes<L>(c, k0, k1));
}
SUTRO_DISPATCH_ENTRIES_END

/// Philox-4x32-10 keyed by a 64-bit seed.
struct philox4x32 {
  std::uint64_t seed = 0;

  SUTRO_HOST_DEVICE philox_block operator()(philox_block counter) const {
    return philox4x32_10(counter, static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  }
  /// Two 64-bit words for (index, purpose, block): the layout every generator uses.
  SUTRO_HOST_DEVICE void words(std::uint64_t index, std::uint32_t purpose, std::uint32_t block, std::uint64_t& w0,
                               std::uint64_t& w1) const {
    const philox_block r = (*this)(
        philox_block{{static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(index >> 32), purpose, block}});
    w0 = r.v[0] | static_cast<std::uint64_t>(r.v[1]) << 32;
    w1 = r.v[2] | static_cast<std::uint64_t>(r.v[3]) << 32;
  }
};

}  // namespace sutro::tasks
