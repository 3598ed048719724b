// Population count of a OP b, compiled once per level (foreach_level.inl).
// Harley-Seal carry-save adders (Mula, Kurz and Lemire, "Faster population
// counts using AVX2 instructions", 2018): sixteen registers cost one SWAR
// popcount instead of sixteen. With AVX512-VPOPCNTDQ the count is one
// instruction per register.

using word_batch = ::sutro::vec::batch<std::uint64_t, vector_bytes>;

template <class Op>
SUTRO_VEC_INLINE word_batch combine(const word_batch& a, const word_batch& b) noexcept {
  if constexpr (std::is_same_v<Op, ::sutro::bits::and_op>)
    return a & b;
  else
    return a ^ b;
}

SUTRO_VEC_INLINE void carry_save_add(word_batch& high, word_batch& low, const word_batch& a,
                                     const word_batch& b) noexcept {
  const word_batch u = a ^ b;  // low is the running sum bit, a and b the new inputs
  const word_batch c = low;
  high = (a & b) | (u & c);
  low = u ^ c;
}

SUTRO_VEC_INLINE word_batch swar_popcount(word_batch x) noexcept {
  const word_batch m1(std::uint64_t{0x5555555555555555}), m2(std::uint64_t{0x3333333333333333});
  const word_batch m4(std::uint64_t{0x0f0f0f0f0f0f0f0f});
  auto shift = [](std::uint64_t s) { return word_batch(s); };
  x = x - ((x >> shift(1)) & m1);
  x = (x & m2) + ((x >> shift(2)) & m2);
  x = (x + (x >> shift(4))) & m4;
  x = x + (x >> shift(8));
  x = x + (x >> shift(16));
  x = x + (x >> shift(32));
  return x & word_batch(std::uint64_t{0x7f});
}

SUTRO_VEC_INLINE std::uint64_t lane_sum(const word_batch& x) noexcept {
  std::uint64_t total = 0;
  for (std::size_t l = 0; l < word_batch::size; ++l) total += x.get(l);
  return total;
}

template <class Op>
std::uint64_t op_popcount(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
  constexpr std::size_t lanes = word_batch::size;
  auto load = [&](std::size_t i) {
    return combine<Op>(word_batch::load_unaligned(a + i), word_batch::load_unaligned(b + i));
  };
  std::size_t i = 0;
  std::uint64_t sum = 0;
#if SUTRO_KERNEL_LEVEL >= 4
  __m512i counts = _mm512_setzero_si512();
  for (; i + lanes <= n; i += lanes) {
    __m512i x;
    const word_batch v = load(i);
    std::memcpy(&x, &v, sizeof x);
    counts = _mm512_add_epi64(counts, _mm512_popcnt_epi64(x));
  }
  alignas(64) std::uint64_t lane_counts[8];  // not _mm512_reduce_add_epi64: GCC 12 bug 105593
  _mm512_store_si512(lane_counts, counts);
  for (std::uint64_t c : lane_counts) sum += c;
#else
  constexpr std::size_t block = 16 * lanes;
  const word_batch zero(std::uint64_t{0});
  word_batch total = zero, ones = zero, twos = zero, fours = zero, eights = zero;
  for (; i + block <= n; i += block) {
    word_batch twos_a, twos_b, fours_a, fours_b, eights_a, eights_b, sixteens;
    carry_save_add(twos_a, ones, load(i + 0 * lanes), load(i + 1 * lanes));
    carry_save_add(twos_b, ones, load(i + 2 * lanes), load(i + 3 * lanes));
    carry_save_add(fours_a, twos, twos_a, twos_b);
    carry_save_add(twos_a, ones, load(i + 4 * lanes), load(i + 5 * lanes));
    carry_save_add(twos_b, ones, load(i + 6 * lanes), load(i + 7 * lanes));
    carry_save_add(fours_b, twos, twos_a, twos_b);
    carry_save_add(eights_a, fours, fours_a, fours_b);
    carry_save_add(twos_a, ones, load(i + 8 * lanes), load(i + 9 * lanes));
    carry_save_add(twos_b, ones, load(i + 10 * lanes), load(i + 11 * lanes));
    carry_save_add(fours_a, twos, twos_a, twos_b);
    carry_save_add(twos_a, ones, load(i + 12 * lanes), load(i + 13 * lanes));
    carry_save_add(twos_b, ones, load(i + 14 * lanes), load(i + 15 * lanes));
    carry_save_add(fours_b, twos, twos_a, twos_b);
    carry_save_add(eights_b, fours, fours_a, fours_b);
    carry_save_add(sixteens, eights, eights_a, eights_b);
    total = total + swar_popcount(sixteens);
  }
  word_batch singles = zero;
  for (; i + lanes <= n; i += lanes) singles = singles + swar_popcount(load(i));
  sum = 16 * lane_sum(total) + 8 * lane_sum(swar_popcount(eights)) + 4 * lane_sum(swar_popcount(fours)) +
        2 * lane_sum(swar_popcount(twos)) + lane_sum(swar_popcount(ones)) + lane_sum(singles);
#endif
  for (; i < n; ++i) {
    const std::uint64_t x = std::is_same_v<Op, ::sutro::bits::and_op> ? (a[i] & b[i]) : (a[i] ^ b[i]);
    sum += static_cast<std::uint64_t>(std::popcount(x));
  }
  return sum;
}
