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
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#if defined(__unix__)
#include <unistd.h>
#endif

namespace sutro::cpu {

/// Kernel variants, each a superset of the one before.
enum class level : int {
  generic = 0,      ///< portable C++ (GCC vector extensions where the compiler has them)
  sse2 = 1,         ///< x86-64 baseline: 128-bit registers
  avx2 = 2,         ///< x86-64-v3: AVX2, BMI2, FMA, POPCNT (256-bit)
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
[[nodiscard]] inline level query_cpu() noexcept {
#if SUTRO_CPU_DETECT
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("sse2")) return level::generic;
  if (!(__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("popcnt")))
    return level::sse2;
  if (!(__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")))
    return level::avx2;
  if (!(__builtin_cpu_supports("gfni") && __builtin_cpu_supports("avx512vbmi") &&
        __builtin_cpu_supports("avx512vpopcntdq")))
    return level::avx512;
  return level::avx512_gfni;
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
