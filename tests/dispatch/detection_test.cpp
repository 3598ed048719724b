// cpu::detail::level_from_cpuid on CPUID/XGETBV words of CPUs (and virtual
// machines) that the machine running the tests is not: every feature a
// level's target list lets the compiler use, and the OS's register state.
#include <cstdint>

#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"

namespace {
namespace cpu = sutro::cpu;
using words = cpu::detail::cpuid_words;

// Read on an AMD EPYC (Zen 4) under Linux: every feature of avx512_gfni.
constexpr words zen4{0xfffa3203u, 0x178bfbffu, 0xf1bf07abu, 0x405fc6u, 0x4003f3u, 0xe7u};
// QEMU 7.2's Haswell model: AVX2, BMI1, BMI2, FMA, LZCNT; no AVX-512.
constexpr words haswell{0xfed83203u, 0x78bfbfdu, 0x3a9u, 0u, 0x21u, 0x7u};

words without(words w, std::uint32_t words::*field, std::uint32_t bit) {
  w.*field &= ~bit;
  return w;
}
}  // namespace

TEST_CASE("level_from_cpuid: the level of real CPUs' words", "[dispatch][cpu]") {
  CHECK(cpu::detail::level_from_cpuid(zen4) == cpu::level::avx512_gfni);
  CHECK(cpu::detail::level_from_cpuid(haswell) == cpu::level::avx2);
  CHECK(cpu::detail::level_from_cpuid(words{}) == cpu::level::generic);
  words sse2_only{};
  sse2_only.leaf1_edx = 1u << 26;
  CHECK(cpu::detail::level_from_cpuid(sse2_only) == cpu::level::sse2);
}

TEST_CASE("level_from_cpuid: avx2 needs BMI1 and LZCNT, which its kernels are compiled with", "[dispatch][cpu]") {
  // The avx2 kernels contain BLSR (BMI1): a CPU without it faults there.
  CHECK(cpu::detail::level_from_cpuid(without(haswell, &words::leaf7_ebx, 1u << 3)) == cpu::level::sse2);
  // Without LZCNT, its encoding runs as BSR: no fault, a wrong count.
  CHECK(cpu::detail::level_from_cpuid(without(haswell, &words::ext1_ecx, 1u << 5)) == cpu::level::sse2);
  CHECK(cpu::detail::level_from_cpuid(without(haswell, &words::leaf7_ebx, 1u << 8)) == cpu::level::sse2);   // BMI2
  CHECK(cpu::detail::level_from_cpuid(without(haswell, &words::leaf1_ecx, 1u << 12)) == cpu::level::sse2);  // FMA
  CHECK(cpu::detail::level_from_cpuid(without(haswell, &words::leaf1_ecx, 1u << 23)) == cpu::level::sse2);  // POPCNT
  CHECK(cpu::detail::level_from_cpuid(without(haswell, &words::leaf1_ecx, 1u << 20)) == cpu::level::sse2);  // SSE4.2
  CHECK(cpu::detail::level_from_cpuid(without(zen4, &words::leaf7_ebx, 1u << 3)) == cpu::level::sse2);
}

TEST_CASE("level_from_cpuid: AVX and AVX-512 need the OS to save their registers", "[dispatch][cpu]") {
  words w = zen4;
  w.xcr0 = 0x7;  // x87, SSE, AVX: a kernel without AVX-512 state support (or a VM hiding it)
  CHECK(cpu::detail::level_from_cpuid(w) == cpu::level::avx2);
  w.xcr0 = 0x3;  // no YMM state
  CHECK(cpu::detail::level_from_cpuid(w) == cpu::level::sse2);
  w.xcr0 = 0xa7;  // opmask and Hi16_ZMM but not the upper halves of ZMM0-15
  CHECK(cpu::detail::level_from_cpuid(w) == cpu::level::avx2);
  // OSXSAVE clear: XCR0 cannot be read, so no AVX whatever the feature bits say.
  CHECK(cpu::detail::level_from_cpuid(without(zen4, &words::leaf1_ecx, 1u << 27)) == cpu::level::sse2);
}

TEST_CASE("level_from_cpuid: each AVX-512 feature is checked on its own", "[dispatch][cpu]") {
  for (unsigned bit : {16u, 17u, 28u, 30u, 31u}) {  // F, DQ, CD, BW, VL
    INFO("leaf 7 EBX bit " << bit);
    CHECK(cpu::detail::level_from_cpuid(without(zen4, &words::leaf7_ebx, 1u << bit)) == cpu::level::avx2);
  }
  for (unsigned bit : {1u, 8u, 14u}) {  // VBMI, GFNI, VPOPCNTDQ
    INFO("leaf 7 ECX bit " << bit);
    CHECK(cpu::detail::level_from_cpuid(without(zen4, &words::leaf7_ecx, 1u << bit)) == cpu::level::avx512);
  }
  // GFNI is no level of its own: with AVX2 and no AVX-512 it stays avx2,
  // and without AVX (Haswell's words with AVX cleared) it gives sse2.
  words gfni_avx2 = haswell;
  gfni_avx2.leaf7_ecx = 1u << 8;
  CHECK(cpu::detail::level_from_cpuid(gfni_avx2) == cpu::level::avx2);
  words gfni_no_avx = gfni_avx2;
  gfni_no_avx.leaf1_ecx &= ~(1u << 28);
  CHECK(cpu::detail::level_from_cpuid(gfni_no_avx) == cpu::level::sse2);
}

TEST_CASE("the detected level agrees with libgcc's __builtin_cpu_supports on this CPU", "[dispatch][cpu]") {
  if (!cpu::dispatch_compiled) {
    SUCCEED("no x86-64 dispatch in this build");
    return;
  }
#if !defined(__GNUC__) || defined(__clang__)
  SUCCEED("not compared: libgcc's feature names are checked under g++ only");
#else
  // libgcc's __builtin_cpu_supports also checks XCR0; LZCNT it leaves to us.
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
                    __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt") &&
                    __builtin_cpu_supports("lzcnt");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                      __builtin_cpu_supports("avx512vl");
  const bool gfni = avx512 && __builtin_cpu_supports("gfni") && __builtin_cpu_supports("avx512vbmi") &&
                    __builtin_cpu_supports("avx512vpopcntdq");
  const cpu::level expected = gfni     ? cpu::level::avx512_gfni
                              : avx512 ? cpu::level::avx512
                              : avx2   ? cpu::level::avx2
                                       : cpu::level::sse2;
  CHECK(cpu::detected_level() == expected);
#endif
}
