// The blocked transpose at every instruction-set level against the scalar
// kernel (itself checked against the bit-by-bit reference), on shapes around
// the 64-bit tiles and the 512 x 512 units, on windows in and out.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "reference.hpp"
#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;
namespace cpu = sutro::cpu;

namespace {
using SM = gf2::matrix<sutro::scalar>;
using DM = gf2::matrix<sutro::simd>;

std::vector<cpu::level> runnable_levels() {
  std::vector<cpu::level> out;
  for (cpu::level l : cpu::all_levels)
    if (cpu::supports(l)) out.push_back(l);
  return out;
}

bool same_words(const DM& a, const SM& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) return false;
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t w = 0; w < a.stride(); ++w)  // padding included: it must stay zero
      if (a.row_ptr(i)[w] != b.row_ptr(i)[w]) return false;
  return true;
}
}  // namespace

TEST_CASE("gf2 scalar transpose equals the bit-by-bit reference", "[gf2]") {
  for (std::size_t m : {0, 1, 63, 64, 65, 130})
    for (std::size_t n : {0, 1, 63, 64, 65, 200}) {
      const SM a = SM::random(m, n, 7 * m + n);
      REQUIRE(gf2ref::of(gf2::transpose(a)) == gf2ref::transpose(gf2ref::of(a)));
    }
}

TEST_CASE("gf2 transpose: every level equals the scalar kernel", "[gf2][dispatch]") {
  const std::vector<std::size_t> sizes{0, 1, 63, 64, 65, 511, 512, 513, 1100};
  for (cpu::level l : runnable_levels()) {
    cpu::scoped_level_limit cap(l);
    std::uint64_t seed = 100;
    for (std::size_t m : sizes)
      for (std::size_t n : sizes) {
        if (m * n > 600000 && m != n) continue;  // keep the big non-square ones few
        INFO("level " << cpu::name(l) << ", " << m << "x" << n);
        const SM as = SM::random(m, n, ++seed);
        const DM a = DM::random(m, n, seed);
        const DM t = gf2::transpose(a);
        REQUIRE(same_words(t, gf2::transpose(as)));
        if (m != 0 && n != 0) REQUIRE(cpu::last_kernel_level() == l);
      }
    // All-ones input: every bit of every output row that exists, none past it.
    for (std::size_t m : {65, 513, 1030}) {
      DM a(m, 777);
      SM as(m, 777);
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < 777; ++j) a.set(i, j, true), as.set(i, j, true);
      REQUIRE(same_words(gf2::transpose(a), gf2::transpose(as)));
    }
  }
}

TEST_CASE("gf2 transpose of and into windows touches only the window", "[gf2][dispatch]") {
  for (cpu::level l : runnable_levels()) {
    cpu::scoped_level_limit cap(l);
    // m = 65 ends at the output's last column; 128 and 576 end inside it.
    for (std::size_t m : {65, 128, 576}) {
      INFO("level " << cpu::name(l) << ", m " << m);
      const std::size_t right = m % 64 == 0 ? 64 : 0;
      const DM big = DM::random(m + 70, 1200, 5);
      const auto in =
          big.window(gf2::row_range{3, 3 + m}, gf2::col_range{64, 1200});  // m x 1136, not 64-aligned in rows
      DM out = DM::random(1200, 64 + m + right, 6);
      const DM before = out;
      gf2::kernels::transpose(
          sutro::simd{}, out.window(gf2::row_range{10, 10 + 1136}, gf2::col_range{64, 64 + m}).block(), in.block());
      const auto want = gf2ref::transpose(gf2ref::of(in.to_matrix()));
      for (std::size_t i = 0; i < out.rows(); ++i)
        for (std::size_t j = 0; j < out.cols(); ++j) {
          const bool inside = i >= 10 && i < 10 + 1136 && j >= 64 && j < 64 + m;
          const bool expect = inside ? want.at(i - 10, j - 64) != 0 : before(i, j);
          if (out(i, j) != expect) FAIL("(" << i << ", " << j << ") inside " << inside);
        }
    }
  }
}
