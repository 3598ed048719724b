// The Philox lane kernels of every instruction-set level (tasks/philox.inl)
// against one block at a time, bit for bit, and the generators' rows on every
// level and backend: forced with scoped_level_limit, checked with
// last_kernel_level() that the level's own kernel ran.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/philox.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro::tasks;
namespace cpu = sutro::cpu;

namespace {

// Lane l of counter word w; lanes differ in every word.
std::uint32_t counter_word(int w, int l) {
  return 0x9e3779b9u * static_cast<std::uint32_t>(l * 4 + w + 1) + 0x7f4a7c15u;
}

template <int L, class Tag>
void check_lanes(Tag tag, cpu::level expected) {
  std::uint32_t c[4][L];
  for (int l = 0; l < L; ++l)
    for (int w = 0; w < 4; ++w) c[w][l] = counter_word(w, l);
  const std::uint32_t k0 = 0xdeadbeefu, k1 = 0x01234567u;
  philox4x32_10_lanes(tag, c, k0, k1);
  CHECK(cpu::last_kernel_level() == expected);
  bool same = true;
  for (int l = 0; l < L; ++l) {
    const auto r = philox4x32_10(
        philox_block{{counter_word(0, l), counter_word(1, l), counter_word(2, l), counter_word(3, l)}}, k0, k1);
    for (int w = 0; w < 4; ++w) same = same && c[w][l] == r.v[w];
  }
  INFO(cpu::name(expected) << ", " << L << " lanes");
  CHECK(same);
}

template <class Tag>
void check_all_widths(Tag tag, cpu::level expected) {
  check_lanes<1>(tag, expected);
  check_lanes<15>(tag, expected);
  check_lanes<16>(tag, expected);
  check_lanes<17>(tag, expected);
  check_lanes<63>(tag, expected);
  check_lanes<64>(tag, expected);
  check_lanes<65>(tag, expected);
}

}  // namespace

TEST_CASE("philox lanes: every level gives one block at a time's bits", "[tasks][philox][levels]") {
  for (cpu::level l : cpu::all_levels) {
    if (!cpu::supports(l)) continue;
    const cpu::level expected = cpu::dispatch_compiled ? l : cpu::level::generic;
    cpu::scoped_level_limit cap(l);
    check_all_widths(sutro::simd{}, expected);
    check_all_widths(sutro::scalar{}, expected);  // the portable loop: records nothing
  }
  if (cpu::dispatch_compiled && cpu::supports(cpu::level::avx512))
    check_lanes<16>(sutro::simd_on<sutro::level_arch<cpu::level::avx512>>{}, cpu::level::avx512);
}

#if defined(SUTRO_HAS_XSIMD)
TEST_CASE("philox lanes: xsimd tags run the level they name", "[tasks][philox][levels]") {
  if (!cpu::dispatch_compiled) return;
  if (cpu::supports(cpu::level::avx2)) check_all_widths(sutro::simd_on<xsimd::avx2>{}, cpu::level::avx2);
  if (cpu::supports(cpu::level::sse2)) check_all_widths(sutro::simd_on<xsimd::sse2>{}, cpu::level::sse2);
}
#endif

TEST_CASE("generated rows are the same on every level and backend", "[tasks][philox][levels]") {
  // n: one word with padding, exactly two words (aux in a block of its own), three words.
  for (std::size_t n : {std::size_t{20}, std::size_t{128}, std::size_t{130}}) {
    const auto task = sparse_sum(n, 3, 77, {.noise = 0.2});
    const std::size_t count = 65, rw = task.row_words();  // 4 lane groups of 16 and one row by itself
    std::vector<std::uint64_t> ref_words(count * rw);
    std::vector<std::int32_t> ref_labels(count);
    task.generate(sutro::scalar{}, split::train, 3, count, ref_words.data(), ref_labels.data());
    // Row by row through sample_source::bits, the device's path.
    const auto src = task.source(split::train);
    for (std::size_t r = 0; r < count; ++r) {
      std::vector<std::uint64_t> row(rw);
      src.bits(3 + r, n, rw, row.data());
      REQUIRE(std::vector<std::uint64_t>(ref_words.begin() + static_cast<std::ptrdiff_t>(r * rw),
                                         ref_words.begin() + static_cast<std::ptrdiff_t>((r + 1) * rw)) == row);
    }
    for (cpu::level l : cpu::all_levels) {
      if (!cpu::supports(l)) continue;
      INFO("n = " << n << ", " << cpu::name(l));
      cpu::scoped_level_limit cap(l);
      std::vector<std::uint64_t> words(count * rw);
      std::vector<std::int32_t> labels(count);
      task.generate(split::train, 3, count, words.data(), labels.data());  // untagged: sutro::simd
      CHECK(cpu::last_kernel_level() == (cpu::dispatch_compiled ? l : cpu::level::generic));
      CHECK(words == ref_words);
      CHECK(labels == ref_labels);
      const std::uint64_t seeds[] = {77, 78};
      const auto b = generate_batch(sutro::simd{}, task.spec(), seeds, split::train, count, 3, {.threads = 1});
      CHECK(std::vector<std::uint64_t>(b.words.begin(), b.words.begin() + static_cast<std::ptrdiff_t>(count * rw)) ==
            ref_words);
    }
  }
}
