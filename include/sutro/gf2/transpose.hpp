#pragma once
// Transpose over GF(2).
//
//   auto t = sutro::gf2::transpose(a);     // cols(a) x rows(a), also for windows
//
// Both backends move 64x64 bit tiles (six masked-swap rounds per tile); simd
// transposes eight tiles at once in AVX-512 registers where available.

#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/transpose.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/gf2/simd/kernels.hpp"
#endif

namespace sutro::gf2 {

template <matrix_like M>
[[nodiscard]] detail::result_t<M> transpose(const M& a) {
  auto out = detail::make_result(a, a.cols(), a.rows());
  const detail::scratch_scope scope(detail::scratch_counter_for(out));
  kernels::transpose(typename M::backend_type{}, out.block(), a.block());
  return out;
}

}  // namespace sutro::gf2
