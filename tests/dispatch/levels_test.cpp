// Every instruction-set level of the dispatched kernels, forced one at a time
// with cpu::scoped_level_limit, against the scalar reference, bit for bit; and
// cpu::last_kernel_level() shows that the forced level's kernel really ran.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gf2/reference.hpp"
#include "support/catch.hpp"
#include "support/random.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/bits/popcount.hpp"
#include "sutro/gf2/all.hpp"

namespace {
namespace cpu = sutro::cpu;
using SM = sutro::gf2::matrix<sutro::scalar>;
using DM = sutro::gf2::matrix<sutro::simd>;

std::vector<cpu::level> runnable_levels() {
  std::vector<cpu::level> out;
  for (cpu::level l : cpu::all_levels)
    if (cpu::supports(l)) out.push_back(l);
  return out;
}

// Lower triangular with a unit diagonal (solvable), from a random matrix.
template <class M>
M unit_lower(std::size_t n, std::uint64_t seed) {
  M t = M::random(n, n, seed);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = i + 1; j < n; ++j) t.set(i, j, false);
    t.set(i, i, true);
  }
  return t;
}
}  // namespace

TEST_CASE("popcount: every level equals the reference", "[dispatch][bits]") {
  const auto a = sutro::testing::random_words(1100, 1), b = sutro::testing::random_words(1100, 2);
  for (cpu::level l : runnable_levels()) {
    cpu::scoped_level_limit cap(l);
    for (std::size_t n : {0, 1, 7, 8, 15, 16, 63, 64, 65, 127, 128, 129, 1100}) {
      const std::span<const std::uint64_t> x(a.data(), n), y(b.data(), n);
      INFO("level " << cpu::name(l) << ", " << n << " words");
      CHECK(sutro::bits::xor_popcount(sutro::simd{}, x, y) == sutro::bits::xor_popcount(sutro::scalar{}, x, y));
      CHECK(sutro::bits::and_popcount(sutro::simd{}, x, y) == sutro::bits::and_popcount(sutro::scalar{}, x, y));
      CHECK(cpu::last_kernel_level() == l);
    }
  }
}

TEST_CASE("gf2 product, transpose, elimination, PLE and triangular solves: every level equals the reference",
          "[dispatch][gf2]") {
  struct shape {
    std::size_t m, k, n;
  };
  // Small ones take the row-XOR paths, 64+ rows the GFNI product, 128+ the
  // Four Russians tables, 300+ the M4RI elimination and blocked solves.
  const shape shapes[] = {{0, 0, 0},   {1, 1, 1},      {0, 5, 3},      {63, 64, 65},   {64, 64, 64},
                          {65, 63, 1}, {130, 70, 200}, {257, 129, 65}, {600, 520, 130}};
  for (cpu::level l : runnable_levels()) {
    cpu::scoped_level_limit cap(l);
    std::uint64_t seed = 10;
    for (const shape& s : shapes) {
      INFO("level " << cpu::name(l) << ", " << s.m << "x" << s.k << " by " << s.k << "x" << s.n);
      const SM as = SM::random(s.m, s.k, ++seed), bs = SM::random(s.k, s.n, ++seed);
      const DM a = DM::random(s.m, s.k, seed - 1), b = DM::random(s.k, s.n, seed);
      CHECK(gf2ref::of(a * b) == gf2ref::of(as * bs));
      DM c = DM::random(s.m, s.n, ++seed);
      SM cs = SM::random(s.m, s.n, seed);
      sutro::gf2::mul_add(c, a, b);
      sutro::gf2::mul_add(cs, as, bs);
      CHECK(gf2ref::of(c) == gf2ref::of(cs));
      CHECK(cpu::last_kernel_level() == l);
      CHECK(gf2ref::of(sutro::gf2::transpose(a)) == gf2ref::of(sutro::gf2::transpose(as)));
      if (s.m != 0 && s.k != 0) CHECK(cpu::last_kernel_level() == l);
      for (bool reduced : {false, true}) {
        DM e = a;
        SM es = as;
        const auto info = sutro::gf2::echelonize(e, reduced);
        const auto ref = sutro::gf2::echelonize(es, reduced);
        CHECK(info.rank == ref.rank);
        CHECK(info.pivots == ref.pivots);
        CHECK(gf2ref::of(e) == gf2ref::of(es));
      }
      const auto p = sutro::gf2::ple(a);
      const auto ps = sutro::gf2::ple(as);
      CHECK(p.perm == ps.perm);
      CHECK(gf2ref::of(p.l) == gf2ref::of(ps.l));
      CHECK(gf2ref::of(p.e) == gf2ref::of(ps.e));
      const DM t = unit_lower<DM>(s.m, ++seed);
      const SM ts = unit_lower<SM>(s.m, seed);
      const DM rhs = DM::random(s.m, s.n, ++seed);
      const SM rhss = SM::random(s.m, s.n, seed);
      CHECK(gf2ref::of(sutro::gf2::solve_lower_triangular(t, rhs)) ==
            gf2ref::of(sutro::gf2::solve_lower_triangular(ts, rhss)));
      const DM u = sutro::gf2::transpose(t);
      const SM us = sutro::gf2::transpose(ts);
      CHECK(gf2ref::of(sutro::gf2::solve_upper_triangular(u, rhs)) ==
            gf2ref::of(sutro::gf2::solve_upper_triangular(us, rhss)));
    }
  }
}

TEST_CASE("gf2 Strassen-Winograd and Four Russians at every level", "[dispatch][gf2]") {
  namespace k = sutro::gf2::kernels;
  for (cpu::level l : runnable_levels()) {
    cpu::scoped_level_limit cap(l);
    for (std::size_t n : {256, 321}) {
      INFO("level " << cpu::name(l) << ", n = " << n);
      const DM a = DM::random(n, n + 64, 3), b = DM::random(n + 64, n - 1, 4);
      const auto expected = gf2ref::of(SM::random(n, n + 64, 3) * SM::random(n + 64, n - 1, 4));
      DM c1(n, n - 1), c2(n, n - 1);
      k::m4rm_mul_add(sutro::simd{}, c1.block(), a.block(), b.block(), 2);
      CHECK(cpu::last_kernel_level() == l);
      k::strassen_mul_add(sutro::simd{}, c2.block(), a.block(), b.block(), 128,
                          [](auto cc, auto aa, auto bb) { k::base_mul_add(sutro::simd{}, cc, aa, bb, 1); });
      CHECK(gf2ref::of(c1) == expected);
      CHECK(gf2ref::of(c2) == expected);
    }
  }
}

TEST_CASE("pinned architecture tags run their own level's kernels", "[dispatch][backend]") {
  using sutro::level_arch;
  const auto a = sutro::testing::random_words(300, 5), b = sutro::testing::random_words(300, 6);
  const auto expected = sutro::bits::xor_popcount(sutro::scalar{}, a, b);
  const SM as = SM::random(200, 150, 7), bs = SM::random(150, 90, 8);
  const auto product = gf2ref::of(as * bs);
  auto check_level = [&](auto tag, cpu::level l) {
    INFO("pinned level " << cpu::name(l));
    if (!cpu::supports(l)) {
      CHECK_THROWS_AS(sutro::bits::xor_popcount(tag, a, b), std::runtime_error);
      return;
    }
    CHECK(sutro::bits::xor_popcount(tag, a, b) == expected);
    CHECK(cpu::last_kernel_level() == l);
    using M = sutro::gf2::matrix<decltype(tag)>;
    const M x = M::random(200, 150, 7), y = M::random(150, 90, 8);
    CHECK(gf2ref::of(x * y) == product);
    CHECK(cpu::last_kernel_level() == l);
  };
  check_level(sutro::simd_on<level_arch<cpu::level::sse2>>{}, cpu::level::sse2);
  check_level(sutro::simd_on<level_arch<cpu::level::avx2>>{}, cpu::level::avx2);
  check_level(sutro::simd_on<level_arch<cpu::level::avx512_gfni>>{}, cpu::level::avx512_gfni);
#if defined(SUTRO_HAS_XSIMD) && SUTRO_CPU_DISPATCH
  // xsimd's tags name the same levels, whatever -march built this test.
  check_level(sutro::simd_on<xsimd::sse2>{}, cpu::level::sse2);
  check_level(sutro::simd_on<xsimd::avx2>{}, cpu::level::avx2);
  check_level(sutro::simd_on<xsimd::avx512bw>{}, cpu::level::avx512);
  STATIC_REQUIRE(sutro::pinned_level_v<xsimd::sse4_2> == cpu::level::sse2);
  STATIC_REQUIRE(sutro::pinned_level_v<xsimd::fma3<xsimd::avx2>> == cpu::level::avx2);
  STATIC_REQUIRE(sutro::pinned_level_v<xsimd::avx512f> == cpu::level::avx512);
#endif
  // The limit caps sutro::simd only, never a pinned tag.
  cpu::scoped_level_limit cap(cpu::level::generic);
  CHECK(sutro::bits::xor_popcount(sutro::simd{}, a, b) == expected);
  CHECK(cpu::last_kernel_level() == cpu::level::generic);
  if (cpu::supports(cpu::level::avx2)) {
    (void)sutro::bits::xor_popcount(sutro::simd_on<level_arch<cpu::level::avx2>>{}, a, b);
    CHECK(cpu::last_kernel_level() == cpu::level::avx2);
  }
}

TEST_CASE("the detected level is what /proc/cpuinfo reports, whatever -march built the binary", "[dispatch][cpu]") {
  std::ifstream info("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(info, line))
    if (line.rfind("flags", 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  if (flags.empty() || !cpu::dispatch_compiled) {
    SUCCEED("no /proc/cpuinfo flags or no x86-64 dispatch in this build");
    return;
  }
  auto has = [&](const char* f) { return flags.find(std::string(" ") + f + " ") != std::string::npos; };
  cpu::level expected = cpu::level::sse2;
  if (has("avx2") && has("bmi1") && has("bmi2") && has("fma") && has("popcnt") && has("abm"))  // abm: LZCNT
    expected = cpu::level::avx2;
  if (expected == cpu::level::avx2 && has("avx512f") && has("avx512cd") && has("avx512bw") && has("avx512dq") &&
      has("avx512vl"))
    expected = cpu::level::avx512;
  if (expected == cpu::level::avx512 && has("gfni") && has("avx512vbmi") && has("avx512_vpopcntdq"))
    expected = cpu::level::avx512_gfni;
  INFO("cpuinfo flags:" << flags);
  CHECK(cpu::detected_level() == expected);
  if (std::getenv("SUTRO_CPU_LEVEL") == nullptr) {
    CHECK(cpu::active_level() == expected);
    const DM a = DM::random(128, 128, 1);
    (void)(a * a);
    CHECK(cpu::last_kernel_level() == expected);  // e.g. GFNI in an x86-64-v2 build on a GFNI CPU
  }
}

TEST_CASE("level limits and names are checked", "[dispatch][cpu]") {
  for (cpu::level l : cpu::all_levels) CHECK(cpu::parse_level(cpu::name(l)) == l);
  try {
    (void)cpu::parse_level("avx9");
    FAIL("parse_level accepted avx9");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("unknown level 'avx9'") != std::string::npos);
  }
  const cpu::level before = cpu::active_level();
  {
    cpu::scoped_level_limit outer(cpu::level::generic);
    CHECK(cpu::active_level() == cpu::level::generic);
  }
  CHECK(cpu::active_level() == before);
  if (cpu::detected_level() != cpu::level::avx512_gfni) {
    CHECK_THROWS_AS(cpu::scoped_level_limit(cpu::level::avx512_gfni), std::invalid_argument);
    CHECK_THROWS_AS(cpu::require(cpu::level::avx512_gfni, "test"), std::runtime_error);
  }
}

TEST_CASE("check_environment_limit reports a misspelt SUTRO_CPU_LEVEL as runtime_error naming it", "[dispatch]") {
  (void)cpu::active_level();  // the cap is read once, before the variable changes here
  const char* old = std::getenv("SUTRO_CPU_LEVEL");
  const std::string saved = old ? old : "";
  ::setenv("SUTRO_CPU_LEVEL", "AVX2", 1);
  try {
    cpu::check_environment_limit();
    FAIL("AVX2 (upper case) was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("sutro::cpu::check_environment_limit: SUTRO_CPU_LEVEL='AVX2' is not a level") ==
          0);
  }
  if (old)
    ::setenv("SUTRO_CPU_LEVEL", saved.c_str(), 1);
  else
    ::unsetenv("SUTRO_CPU_LEVEL");
}
