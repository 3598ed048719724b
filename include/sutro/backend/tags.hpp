#pragma once
// Backend tags: empty types that select an implementation by overload
// resolution, as xsimd's architecture tags and Thrust's execution policies do.
//
// A kernel is written once per backend as an overload taking the tag by value.
// Because `simd_on<Arch>` derives from `scalar`, a call with a simd tag falls
// back to the scalar kernel whenever no simd overload exists (for a primitive
// not yet vectorized, or a build without xsimd). `cuda` derives from nothing:
// its data lives in another memory space, so no host kernel may be chosen.
//
//   template <class Backend> std::uint64_t work(Backend tag, ...) {
//     return sutro::bits::xor_popcount(tag, a, b);  // picks the best kernel
//   }

#include <string_view>

#include "sutro/backend/cpu.hpp"
#include "sutro/config/macros.hpp"

#if SUTRO_SIMD_ENABLED
#include <xsimd/xsimd.hpp>
#endif

namespace sutro {

/// Reference backend: portable C++, one 64-bit word at a time.
struct scalar {
  static constexpr std::string_view name = "scalar";
};

#if SUTRO_SIMD_ENABLED
/// The best xsimd architecture enabled by the consumer's compile flags
/// (for example `-march=native` or `-mavx2`). sutro adds no such flag itself.
using default_simd_arch = xsimd::default_arch;
#else
/// Placeholder architecture of builds without xsimd.
struct no_simd_arch {
  static constexpr const char* name() noexcept { return "none"; }
};
using default_simd_arch = no_simd_arch;
#endif

/// The architecture of sutro::simd: each call runs the kernels of
/// cpu::active_level(), the best instruction set this CPU has (AVX-512 and
/// GFNI in a binary built for x86-64-v2 too). See sutro/backend/cpu.hpp.
struct dispatched_arch {
  static constexpr const char* name() noexcept { return "dispatched"; }
};

/// SIMD backend pinned to one architecture: an xsimd one (`simd_on<xsimd::avx2>`
/// runs the AVX2 kernels in every module) or a sutro level
/// (`simd_on<level_arch<cpu::level::avx512_gfni>>`). A call on a CPU without
/// that instruction set throws std::runtime_error instead of faulting.
template <class Arch>
struct simd_on : scalar {
  using arch = Arch;
  static constexpr std::string_view name = "simd";
};

/// SIMD backend whose kernels follow the CPU it runs on.
using simd = simd_on<dispatched_arch>;

/// CUDA backend: data in device memory, kernels in `.cuh` headers compiled by nvcc.
struct cuda {
  static constexpr std::string_view name = "cuda";
};

/// Where a backend's data lives.
struct host_space {};
struct device_space {};

}  // namespace sutro
