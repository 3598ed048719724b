// Includes the file named by SUTRO_FOREACH_LEVEL_FILE once per instruction-set
// level, each time inside `namespace level_<name>` and compiled for that level
// (GCC/Clang target pragmas; the model is Highway's foreach_target.h). No
// include guard: a module's dispatch header includes this inside its own
// namespace, after every header the kernels need.
//
//   namespace sutro::bits::kernels {
//   #define SUTRO_FOREACH_LEVEL_FILE "sutro/bits/simd/popcount.inl"
//   #include "sutro/backend/foreach_level.inl"
//   }
//
// In the included file: SUTRO_KERNEL_LEVEL is the cpu::level as an integer
// (for #if around intrinsics), and `this_level` / `vector_bytes` are constants.
// Where the compiler cannot target levels per function (not GCC/Clang on
// x86-64, or nvcc), only level_generic exists, compiled with the build's flags.

#if !defined(SUTRO_FOREACH_LEVEL_FILE)
#error "define SUTRO_FOREACH_LEVEL_FILE before including sutro/backend/foreach_level.inl"
#endif

#define SUTRO_KERNEL_LEVEL 0
namespace level_generic {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::generic;
inline constexpr std::size_t vector_bytes = 16;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_generic
#undef SUTRO_KERNEL_LEVEL

#if SUTRO_CPU_DISPATCH
#if defined(__clang__)
#define SUTRO_KERNEL_LEVEL 1
#pragma clang attribute push(__attribute__((target("sse2"))), apply_to = function)
namespace level_sse2 {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::sse2;
inline constexpr std::size_t vector_bytes = 16;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_sse2
#pragma clang attribute pop
#undef SUTRO_KERNEL_LEVEL
#define SUTRO_KERNEL_LEVEL 2
#pragma clang attribute push(__attribute__((target("avx2,bmi,bmi2,fma,popcnt,lzcnt"))), apply_to = function)
namespace level_avx2 {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::avx2;
inline constexpr std::size_t vector_bytes = 32;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_avx2
#pragma clang attribute pop
#undef SUTRO_KERNEL_LEVEL
#define SUTRO_KERNEL_LEVEL 3
#pragma clang attribute push(                                                                              \
    __attribute__((target("avx2,bmi,bmi2,fma,popcnt,lzcnt,avx512f,avx512cd,avx512bw,avx512dq,avx512vl"))), \
    apply_to = function)
namespace level_avx512 {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::avx512;
inline constexpr std::size_t vector_bytes = 64;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_avx512
#pragma clang attribute pop
#undef SUTRO_KERNEL_LEVEL
#define SUTRO_KERNEL_LEVEL 4
#pragma clang attribute push(                                                                                            \
    __attribute__((target(                                                                                               \
        "avx2,bmi,bmi2,fma,popcnt,lzcnt,avx512f,avx512cd,avx512bw,avx512dq,avx512vl,gfni,avx512vbmi,avx512vpopcntdq"))), \
    apply_to = function)
namespace level_avx512_gfni {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::avx512_gfni;
inline constexpr std::size_t vector_bytes = 64;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_avx512_gfni
#pragma clang attribute pop
#undef SUTRO_KERNEL_LEVEL
#else
#define SUTRO_KERNEL_LEVEL 1
#pragma GCC push_options
#pragma GCC target("sse2")
namespace level_sse2 {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::sse2;
inline constexpr std::size_t vector_bytes = 16;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_sse2
#pragma GCC pop_options
#undef SUTRO_KERNEL_LEVEL
#define SUTRO_KERNEL_LEVEL 2
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,fma,popcnt,lzcnt")
namespace level_avx2 {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::avx2;
inline constexpr std::size_t vector_bytes = 32;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_avx2
#pragma GCC pop_options
#undef SUTRO_KERNEL_LEVEL
#define SUTRO_KERNEL_LEVEL 3
#pragma GCC push_options
#pragma GCC target("avx2,bmi,bmi2,fma,popcnt,lzcnt,avx512f,avx512cd,avx512bw,avx512dq,avx512vl")
namespace level_avx512 {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::avx512;
inline constexpr std::size_t vector_bytes = 64;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_avx512
#pragma GCC pop_options
#undef SUTRO_KERNEL_LEVEL
#define SUTRO_KERNEL_LEVEL 4
#pragma GCC push_options
#pragma GCC target( \
    "avx2,bmi,bmi2,fma,popcnt,lzcnt,avx512f,avx512cd,avx512bw,avx512dq,avx512vl,gfni,avx512vbmi,avx512vpopcntdq")
namespace level_avx512_gfni {
inline constexpr ::sutro::cpu::level this_level = ::sutro::cpu::level::avx512_gfni;
inline constexpr std::size_t vector_bytes = 64;
#include SUTRO_FOREACH_LEVEL_FILE
}  // namespace level_avx512_gfni
#pragma GCC pop_options
#undef SUTRO_KERNEL_LEVEL
#endif
#endif

#undef SUTRO_FOREACH_LEVEL_FILE
