#pragma once
// Portability macros shared by every layer.
//
// SUTRO_HOST_DEVICE marks functions callable from host and device code. Under
// nvcc it expands to `__host__ __device__ inline`; with any other compiler it is
// plain `inline`, so headers that use it stay ordinary C++ (the CuTe / Eigen /
// mdspan convention).

#if defined(__CUDACC__)
#define SUTRO_HOST_DEVICE __host__ __device__ inline
#define SUTRO_DEVICE __device__ inline
#define SUTRO_COMPILING_CUDA 1
#else
#define SUTRO_HOST_DEVICE inline
#define SUTRO_DEVICE inline
#define SUTRO_COMPILING_CUDA 0
#endif

// SUTRO_HAS_XSIMD is defined by the `sutro::simd` CMake target (or by hand).
#if defined(SUTRO_HAS_XSIMD)
#define SUTRO_SIMD_ENABLED 1
#else
#define SUTRO_SIMD_ENABLED 0
#endif

// SUTRO_UNROLL(n): unroll hint for host loops (GCC and clang read "#pragma GCC
// unroll"). nvcc's front end does not know that pragma (warning 1675 in every
// .cu that includes the header), so there it expands to nothing.
#define SUTRO_PRAGMA(x) _Pragma(#x)
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define SUTRO_UNROLL(n) SUTRO_PRAGMA(GCC unroll n)
#else
#define SUTRO_UNROLL(n)
#endif

// SUTRO_ADDRESS_SANITIZER: 1 in a build under AddressSanitizer (GCC's
// __SANITIZE_ADDRESS__, clang's __has_feature), else 0; a build may set it
// itself (every translation unit alike). The block cache of freed memory
// (memory/block_cache.hpp) is off by default there, so that use after free
// is still caught.
#if !defined(SUTRO_ADDRESS_SANITIZER)
#if defined(__SANITIZE_ADDRESS__)
#define SUTRO_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SUTRO_ADDRESS_SANITIZER 1
#endif
#endif
#endif
#if !defined(SUTRO_ADDRESS_SANITIZER)
#define SUTRO_ADDRESS_SANITIZER 0
#endif

// SUTRO_FMA_CLONES: a second copy of a function compiled for x86-64-v3,
// picked when the program loads on a CPU that has FMA; only where the build's
// target lacks FMA (-march=x86-64-v2, or the compiler's default x86-64 as
// the Python wheel is built), for the element loops whose multiply-adds are
// std::fma, a libm call per element there (SGD training 3.7 times slower:
// nn::kernels::any::element_loop). Only on functions that cannot throw: GCC
// 12 does not unwind through a target_clones function. GCC with glibc on
// x86-64 (ifunc; musl has none), not under nvcc; elsewhere the loops keep the
// libm call: the same bits, slower.
// Defined empty beforehand, the loops run as that "default" copy does
// (tests/optim/module.cmake builds a test so).
#include <cstdlib>  // glibc's <features.h>: __GLIBC__
#ifndef SUTRO_FMA_CLONES
#if defined(__GNUC__) && !defined(__clang__) && !defined(__CUDACC__) && defined(__x86_64__) && defined(__linux__) && \
    defined(__GLIBC__) && !defined(__FMA__)
#define SUTRO_FMA_CLONES __attribute__((target_clones("arch=x86-64-v3", "default"), flatten))
#else
#define SUTRO_FMA_CLONES
#endif
#endif
