#pragma once
// From a simd backend tag to the instruction-set level whose kernels run:
// sutro::simd asks the CPU (cpu::active_level()), simd_on<Arch> is pinned to
// Arch's level. Modules compile their kernels once per level
// (foreach_level.inl) and branch with SUTRO_DISPATCH_LEVEL.
//
//   template <class Arch>
//   std::uint64_t op_popcount(simd_on<Arch> tag, ...) {
//     const cpu::level l = kernel_level(tag, "sutro::bits::xor_popcount");
//     SUTRO_DISPATCH_LEVEL(l, op_popcount(...));
//   }

#include <type_traits>

#include "sutro/backend/cpu.hpp"
#include "sutro/backend/tags.hpp"

/// Encloses a module's dispatching entry points. Their bodies differ between
/// translation units that have every level and those that have only generic
/// (nvcc's), so each kind gets its own inline namespace: a program linking both
/// keeps two definitions instead of one silently replacing the other.
#if SUTRO_CPU_DISPATCH
#define SUTRO_DISPATCH_ENTRIES_BEGIN inline namespace dispatch_all_levels {
#else
#define SUTRO_DISPATCH_ENTRIES_BEGIN inline namespace dispatch_generic_only {
#endif
#define SUTRO_DISPATCH_ENTRIES_END }

namespace sutro {

/// A sutro level used as a simd_on architecture.
template <cpu::level L>
struct level_arch {
  static constexpr cpu::level value = L;
  static constexpr const char* name() noexcept { return cpu::name(L).data(); }
};

namespace detail {
template <class Arch>
struct is_level_arch : std::false_type {};
template <cpu::level L>
struct is_level_arch<level_arch<L>> : std::true_type {};

template <class Arch>
constexpr cpu::level pinned_level() noexcept {
  if constexpr (is_level_arch<Arch>::value) {
    return Arch::value;
  }
#if SUTRO_SIMD_ENABLED && (defined(__x86_64__) || defined(_M_X64))
  else if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) {
    return cpu::level::avx512;
  } else if constexpr (std::is_base_of_v<xsimd::avx2, Arch>) {
    return cpu::level::avx2;
  } else if constexpr (std::is_base_of_v<xsimd::sse2, Arch> || std::is_base_of_v<xsimd::avx, Arch>) {
    return cpu::level::sse2;
  }
#endif
  else {
    return cpu::level::generic;
  }
}
}  // namespace detail

/// The level an architecture tag pins (generic for one sutro has no kernels of).
template <class Arch>
inline constexpr cpu::level pinned_level_v = detail::pinned_level<Arch>();

SUTRO_DISPATCH_ENTRIES_BEGIN
/// The level whose kernels a call with this tag runs. Throws std::runtime_error
/// (naming `who`) when the tag pins a level this CPU cannot execute.
template <class Arch>
[[nodiscard]] cpu::level kernel_level(simd_on<Arch>, const char* who) {
  if constexpr (std::is_same_v<Arch, dispatched_arch>) {
    return cpu::dispatch_compiled ? cpu::active_level() : cpu::level::generic;
  } else {
    constexpr cpu::level l = cpu::dispatch_compiled ? pinned_level_v<Arch> : cpu::level::generic;
    cpu::require(l, who);
    return l;
  }
}
SUTRO_DISPATCH_ENTRIES_END

}  // namespace sutro

/// `return level_<l>::call;` for the level l (an expression of cpu::level);
/// used inside a namespace that included foreach_level.inl.
#if SUTRO_CPU_DISPATCH
#define SUTRO_DISPATCH_LEVEL(l, call)      \
  switch (l) {                             \
    case ::sutro::cpu::level::avx512_gfni: \
      return level_avx512_gfni::call;      \
    case ::sutro::cpu::level::avx512:      \
      return level_avx512::call;           \
    case ::sutro::cpu::level::avx2:        \
      return level_avx2::call;             \
    case ::sutro::cpu::level::sse2:        \
      return level_sse2::call;             \
    default:                               \
      return level_generic::call;          \
  }
#else
#define SUTRO_DISPATCH_LEVEL(l, call) return ((void)(l), level_generic::call)
#endif
