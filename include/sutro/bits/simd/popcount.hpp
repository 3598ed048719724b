#pragma once
// SIMD kernel: Harley-Seal carry-save adders over xsimd batches (Mula, Kurz and
// Lemire, "Faster population counts using AVX2 instructions", 2018). Sixteen
// batches cost one SWAR popcount instead of sixteen. Only &, |, ^, >>, + and -
// between batches are used: they behave the same in xsimd 8 and 13.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

#include <xsimd/xsimd.hpp>

#include "sutro/backend/tags.hpp"
#include "sutro/bits/scalar/popcount.hpp"

namespace sutro::bits::kernels {
namespace detail {

template <class Batch>
inline void carry_save_add(Batch& high, Batch& low, const Batch& a, const Batch& b) {
  const Batch u = a ^ b;  // low is the running sum bit, a and b the new inputs
  const Batch c = low;
  high = (a & b) | (u & c);
  low = u ^ c;
}

// Shifts take a batch of counts: GCC 12's immediate-shift AVX-512 intrinsics
// raise a false -Wuninitialized (GCC bug 105593).
template <class Batch>
inline Batch swar_popcount(Batch x) {
  const Batch m1(std::uint64_t{0x5555555555555555});
  const Batch m2(std::uint64_t{0x3333333333333333});
  const Batch m4(std::uint64_t{0x0f0f0f0f0f0f0f0f});
  auto shift = [](std::uint64_t s) { return Batch(s); };
  x = x - ((x >> shift(1)) & m1);
  x = (x & m2) + ((x >> shift(2)) & m2);
  x = (x + (x >> shift(4))) & m4;
  x = x + (x >> shift(8));
  x = x + (x >> shift(16));
  x = x + (x >> shift(32));
  return x & Batch(std::uint64_t{0x7f});
}

template <class Batch>
inline std::uint64_t lane_sum(const Batch& x) {
  std::array<std::uint64_t, Batch::size> lanes{};
  x.store_unaligned(lanes.data());
  std::uint64_t total = 0;
  for (std::uint64_t v : lanes) total += v;
  return total;
}

} // namespace detail

template <class Arch, class Op>
std::uint64_t op_popcount(simd_on<Arch>, Op op, const std::uint64_t* a, const std::uint64_t* b,
                          std::size_t n) noexcept {
  using batch = xsimd::batch<std::uint64_t, Arch>;
  constexpr std::size_t lanes = batch::size;
  constexpr std::size_t block = 16 * lanes;
  auto load = [&](std::size_t i) {
    return op(batch::load_unaligned(a + i), batch::load_unaligned(b + i));
  };

  batch total(std::uint64_t{0}), ones(std::uint64_t{0}), twos(std::uint64_t{0}),
      fours(std::uint64_t{0}), eights(std::uint64_t{0});
  std::size_t i = 0;
  for (; i + block <= n; i += block) {
    batch twos_a, twos_b, fours_a, fours_b, eights_a, eights_b, sixteens;
    detail::carry_save_add(twos_a, ones, load(i + 0 * lanes), load(i + 1 * lanes));
    detail::carry_save_add(twos_b, ones, load(i + 2 * lanes), load(i + 3 * lanes));
    detail::carry_save_add(fours_a, twos, twos_a, twos_b);
    detail::carry_save_add(twos_a, ones, load(i + 4 * lanes), load(i + 5 * lanes));
    detail::carry_save_add(twos_b, ones, load(i + 6 * lanes), load(i + 7 * lanes));
    detail::carry_save_add(fours_b, twos, twos_a, twos_b);
    detail::carry_save_add(eights_a, fours, fours_a, fours_b);
    detail::carry_save_add(twos_a, ones, load(i + 8 * lanes), load(i + 9 * lanes));
    detail::carry_save_add(twos_b, ones, load(i + 10 * lanes), load(i + 11 * lanes));
    detail::carry_save_add(fours_a, twos, twos_a, twos_b);
    detail::carry_save_add(twos_a, ones, load(i + 12 * lanes), load(i + 13 * lanes));
    detail::carry_save_add(twos_b, ones, load(i + 14 * lanes), load(i + 15 * lanes));
    detail::carry_save_add(fours_b, twos, twos_a, twos_b);
    detail::carry_save_add(eights_b, fours, fours_a, fours_b);
    detail::carry_save_add(sixteens, eights, eights_a, eights_b);
    total = total + detail::swar_popcount(sixteens);
  }
  batch singles(std::uint64_t{0});
  for (; i + lanes <= n; i += lanes) singles = singles + detail::swar_popcount(load(i));

  const std::uint64_t sum = 16 * detail::lane_sum(total) +
                            8 * detail::lane_sum(detail::swar_popcount(eights)) +
                            4 * detail::lane_sum(detail::swar_popcount(fours)) +
                            2 * detail::lane_sum(detail::swar_popcount(twos)) +
                            detail::lane_sum(detail::swar_popcount(ones)) +
                            detail::lane_sum(singles);
  return sum + op_popcount(scalar{}, op, a + i, b + i, n - i);
}

} // namespace sutro::bits::kernels
