#pragma once
// The instruction-set levels that sutro's hot kernels are compiled for, and the
// one this CPU runs. Every level's kernels are in every binary (compiled with
// GCC/Clang target pragmas, whatever -march the program was built with); the
// CPU is asked once which of them it can execute.
//
//   sutro::cpu::detected_level();   // what the CPU supports, e.g. level::avx512_gfni
//   sutro::cpu::active_level();     // what sutro::simd runs: detected, capped by a limit
//   {
//     sutro::cpu::scoped_level_limit cap(sutro::cpu::level::avx2);  // force the AVX2 kernels
//     ...
//   }
//
// The environment variable SUTRO_CPU_LEVEL (generic, sse2, avx2, avx512,
// avx512_gfni), read once, caps the level for a whole program run.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#if defined(__unix__)
#include <unistd.h>
#endif
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#include <cpuid.h>  // at file scope: inside a namespace it would hide __get_cpuid from the includer
#endif

namespace sutro::cpu {

/// Kernel variants, each a superset of the one before.
enum class level : int {
  generic = 0,      ///< portable C++ (GCC vector extensions where the compiler has them)
  sse2 = 1,         ///< x86-64 baseline: 128-bit registers
  avx2 = 2,         ///< x86-64-v3: AVX2, BMI1, BMI2, FMA, LZCNT, POPCNT (256-bit)
  avx512 = 3,       ///< x86-64-v4: AVX-512 F, CD, BW, DQ, VL (512-bit)
  avx512_gfni = 4,  ///< x86-64-v4 plus GFNI, AVX512-VBMI, AVX512-VPOPCNTDQ (Ice Lake, Zen 4 and later)
};
inline constexpr level all_levels[] = {level::generic, level::sse2, level::avx2, level::avx512, level::avx512_gfni};

[[nodiscard]] constexpr std::string_view name(level l) noexcept {
  switch (l) {
    case level::generic:
      return "generic";
    case level::sse2:
      return "sse2";
    case level::avx2:
      return "avx2";
    case level::avx512:
      return "avx512";
    case level::avx512_gfni:
      return "avx512_gfni";
  }
  return "unknown";
}

/// Throws std::invalid_argument naming the accepted spellings.
[[nodiscard]] inline level parse_level(std::string_view text) {
  for (level l : all_levels)
    if (name(l) == text) return l;
  throw std::invalid_argument("sutro::cpu::parse_level: unknown level '" + std::string(text) +
                              "' (expected generic, sse2, avx2, avx512 or avx512_gfni)");
}

// SUTRO_CPU_DISPATCH: this translation unit builds every level's kernels (GCC
// or Clang on x86-64; not nvcc, whose front end takes no target pragmas).
// SUTRO_CPU_DETECT: the CPU can be asked (nvcc's host code too, so detection
// means the same in every translation unit of a program).
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define SUTRO_CPU_DETECT 1
#else
#define SUTRO_CPU_DETECT 0
#endif
#if SUTRO_CPU_DETECT && !defined(__CUDACC__)
#define SUTRO_CPU_DISPATCH 1
#else
#define SUTRO_CPU_DISPATCH 0
#endif
/// True where this translation unit has the kernels of every level (internal
/// linkage: it differs between a program's .cpp and .cu files).
constexpr bool dispatch_compiled = SUTRO_CPU_DISPATCH != 0;

/// The meaning of `threads` in every sutro entry point that takes it: 0 asks
/// for one worker per hardware thread, any other value is taken as given.
///
///   sutro::gf2::mul(a, b, /*threads=*/0);   // one per core, as tasks::batch does
[[nodiscard]] inline unsigned worker_threads(unsigned threads) noexcept {
  if (threads != 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1u : hw;
}

namespace detail {
/// The CPUID words and XCR0 that decide the level (the registers as read, or
/// synthetic ones in tests). xcr0 is 0 where the OS does not set OSXSAVE.
struct cpuid_words {
  std::uint32_t leaf1_ecx = 0, leaf1_edx = 0;  // CPUID 1
  std::uint32_t leaf7_ebx = 0, leaf7_ecx = 0;  // CPUID 7, subleaf 0 (0 where the CPU has no leaf 7)
  std::uint32_t ext1_ecx = 0;                  // CPUID 0x80000001 (LZCNT)
  std::uint64_t xcr0 = 0;                      // XGETBV 0: the register state the OS saves
};

/// The best level whose kernels the CPU described by `w` executes: every
/// feature that foreach_level.inl's target list for that level lets the
/// compiler use (it emits BLSR, TZCNT and LZCNT on its own, not only where
/// the kernels ask), and the OS saving the YMM (AVX) or opmask/ZMM (AVX-512)
/// state. Pure, so that tests can feed it feature sets no CPU at hand has.
[[nodiscard]] constexpr level level_from_cpuid(const cpuid_words& w) noexcept {
  auto all = [](std::uint64_t word, std::uint64_t bits) { return (word & bits) == bits; };
  // CPUID 1 EDX and ECX
  constexpr std::uint32_t sse2 = 1u << 26;
  constexpr std::uint32_t sse3 = 1u << 0, ssse3 = 1u << 9, fma = 1u << 12, sse41 = 1u << 19, sse42 = 1u << 20;
  constexpr std::uint32_t popcnt = 1u << 23, osxsave = 1u << 27, avx = 1u << 28;
  // CPUID 7 EBX and ECX
  constexpr std::uint32_t bmi1 = 1u << 3, avx2 = 1u << 5, bmi2 = 1u << 8;
  constexpr std::uint32_t avx512f = 1u << 16, avx512dq = 1u << 17, avx512cd = 1u << 28;
  constexpr std::uint32_t avx512bw = 1u << 30, avx512vl = 1u << 31;
  constexpr std::uint32_t avx512vbmi = 1u << 1, gfni = 1u << 8, avx512vpopcntdq = 1u << 14;
  // CPUID 0x80000001 ECX
  constexpr std::uint32_t lzcnt = 1u << 5;
  // XCR0: SSE and AVX state; plus opmask, upper halves of ZMM0-15, ZMM16-31
  constexpr std::uint64_t ymm_state = 0x6, zmm_state = 0xe6;
  if (!all(w.leaf1_edx, sse2)) return level::generic;
  const bool os_ymm = all(w.leaf1_ecx, osxsave) && all(w.xcr0, ymm_state);
  if (!(os_ymm && all(w.leaf1_ecx, sse3 | ssse3 | sse41 | sse42 | popcnt | avx | fma) &&
        all(w.leaf7_ebx, bmi1 | avx2 | bmi2) && all(w.ext1_ecx, lzcnt)))
    return level::sse2;
  if (!(all(w.xcr0, zmm_state) && all(w.leaf7_ebx, avx512f | avx512dq | avx512cd | avx512bw | avx512vl)))
    return level::avx2;
  if (!all(w.leaf7_ecx, avx512vbmi | gfni | avx512vpopcntdq)) return level::avx512;
  return level::avx512_gfni;
}

[[nodiscard]] inline level query_cpu() noexcept {
#if SUTRO_CPU_DETECT
  cpuid_words w;
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return level::generic;
  w.leaf1_ecx = c;
  w.leaf1_edx = d;
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) != 0) {
    w.leaf7_ebx = b;
    w.leaf7_ecx = c;
  }
  if (__get_cpuid(0x80000001u, &a, &b, &c, &d) != 0) w.ext1_ecx = c;
  if ((w.leaf1_ecx & (1u << 27)) != 0) {  // OSXSAVE: XGETBV exists and is enabled
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));  // no -mxsave needed, unlike _xgetbv
    w.xcr0 = (std::uint64_t{hi} << 32) | lo;
#if defined(__APPLE__)
    // Darwin enables the AVX-512 state at a thread's first AVX-512 instruction.
    if ((w.leaf7_ebx & (1u << 16)) != 0) w.xcr0 |= 0xe0;
#endif
  }
  return level_from_cpuid(w);
#else
  return level::generic;
#endif
}

// -1: no limit. Set by scoped_level_limit; SUTRO_CPU_LEVEL gives the first value.
inline std::atomic<int>& limit_slot() noexcept {
  static std::atomic<int> slot = [] {
    const char* text = std::getenv("SUTRO_CPU_LEVEL");
    if (text == nullptr || *text == '\0') return -1;
    for (level l : all_levels)
      if (name(l) == text) return static_cast<int>(l);
    return -1;  // checked_environment_limit() reports the bad spelling
  }();
  return slot;
}
}  // namespace detail

/// The best level this CPU executes (queried once).
[[nodiscard]] inline level detected_level() noexcept {
  static const level detected = detail::query_cpu();
  return detected;
}

[[nodiscard]] inline bool supports(level l) noexcept {
  return static_cast<int>(l) <= static_cast<int>(detected_level());
}

/// The level sutro::simd dispatches to: the detected one, capped by the limit.
[[nodiscard]] inline level active_level() noexcept {
  const int cap = detail::limit_slot().load(std::memory_order_relaxed);
  const level d = detected_level();
  return cap >= 0 && cap < static_cast<int>(d) ? static_cast<level>(cap) : d;
}

/// Throws std::runtime_error when SUTRO_CPU_LEVEL is set to an unknown spelling
/// or to a level above the CPU's; a program may call it at start to fail loudly.
inline void check_environment_limit() {
  const char* text = std::getenv("SUTRO_CPU_LEVEL");
  if (text == nullptr || *text == '\0') return;
  level l;
  try {
    l = parse_level(text);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error("sutro::cpu::check_environment_limit: SUTRO_CPU_LEVEL='" + std::string(text) +
                             "' is not a level (" + e.what() + ")");
  }
  if (!supports(l))
    throw std::runtime_error("sutro::cpu::check_environment_limit: SUTRO_CPU_LEVEL=" + std::string(text) +
                             " exceeds this CPU's level " + std::string(name(detected_level())));
}

/// Throws std::runtime_error when the CPU cannot execute level `l`; `who` names the caller.
inline void require(level l, const char* who) {
  if (!supports(l))
    throw std::runtime_error(std::string(who) + ": the " + std::string(name(l)) +
                             " kernels need a CPU this one is not (it runs " + std::string(name(detected_level())) +
                             ")");
}

/// The per-core L2 cache in bytes as the C library reports it (queried once),
/// or 1 MiB where it reports nothing. Four-Russians kernels size their tables
/// by it: tables that fill L2 evict the rows they are applied to.
[[nodiscard]] inline std::size_t l2_cache_bytes() noexcept {
  static const std::size_t bytes = [] {
#if defined(_SC_LEVEL2_CACHE_SIZE)
    const long reported = ::sysconf(_SC_LEVEL2_CACHE_SIZE);
    if (reported > 0) return static_cast<std::size_t>(reported);
#endif
    return std::size_t{1} << 20;
  }();
  return bytes;
}

namespace detail {
inline thread_local level last_kernel = level::generic;
inline void note_kernel(level l) noexcept { last_kernel = l; }
}  // namespace detail

/// The level of the last multi-level kernel this thread entered: tests and
/// logs check with it which path really ran.
[[nodiscard]] inline level last_kernel_level() noexcept { return detail::last_kernel; }

/// Sets the cap of active_level() to `cap` while it lives, in place of
/// SUTRO_CPU_LEVEL's or an enclosing one's, even above them: tests force each
/// kernel path with it, also in a run capped by the environment. To only
/// lower the level, pass std::min(cap, cpu::active_level()) (levels order
/// as their enum). Process-wide: other threads see the cap too. Throws
/// std::invalid_argument for a level above the CPU's (those kernels would
/// fault).
class scoped_level_limit {
 public:
  explicit scoped_level_limit(level cap) : previous_(detail::limit_slot().load()) {
    if (!supports(cap))
      throw std::invalid_argument("sutro::cpu::scoped_level_limit: level " + std::string(name(cap)) +
                                  " is above this CPU's " + std::string(name(detected_level())));
    detail::limit_slot().store(static_cast<int>(cap));
  }
  scoped_level_limit(const scoped_level_limit&) = delete;
  scoped_level_limit& operator=(const scoped_level_limit&) = delete;
  ~scoped_level_limit() { detail::limit_slot().store(previous_); }

 private:
  int previous_;
};

}  // namespace sutro::cpu
