#pragma once
// SIMD popcount reductions: the kernel of each instruction-set level
// (popcount.inl), chosen per call from the backend tag (backend/dispatch.hpp).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#if SUTRO_CPU_DISPATCH
#include <immintrin.h>
#endif

#include "sutro/backend/cpu.hpp"
#include "sutro/backend/dispatch.hpp"
#include "sutro/backend/tags.hpp"
#include "sutro/backend/vec.hpp"
#include "sutro/bits/ops.hpp"
#include "sutro/bits/scalar/popcount.hpp"

namespace sutro::bits::kernels {
namespace levels {
#define SUTRO_FOREACH_LEVEL_FILE "sutro/bits/simd/popcount.inl"
#include "sutro/backend/foreach_level.inl"
}  // namespace levels

SUTRO_DISPATCH_ENTRIES_BEGIN
template <class Arch, class Op>
std::uint64_t op_popcount(simd_on<Arch> tag, Op op, const std::uint64_t* a, const std::uint64_t* b, std::size_t n) {
  if constexpr (!std::is_same_v<Op, xor_op> && !std::is_same_v<Op, and_op>) {
    return op_popcount(scalar{}, op, a, b, n);
  } else {
    using namespace levels;
    const cpu::level l = kernel_level(tag, "sutro::bits::op_popcount");
    SUTRO_DISPATCH_LEVEL(l, op_popcount<Op>(a, b, n));
  }
}
SUTRO_DISPATCH_ENTRIES_END

}  // namespace sutro::bits::kernels
