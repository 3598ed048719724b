#pragma once
// madd<P>(a, b, c) = a * b + c for a kernel whose memory handles are of type P.
//
// The raw instantiation (P a pointer) is the expression the kernels always
// had, which GCC contracts into a fused multiply-add at -O2 when the target
// has FMA (as the simd kernels' _mm512_fmadd). A traced instantiation reads
// through proxies, and GCC then leaves the same expression unfused, so there
// the fusion is explicit (std::fma) whenever the target has FMA: traced and
// untraced results are the same bits. fmadd() is always fused on FMA targets
// (the simd kernels' scalar tails).

#include <cmath>
#include <type_traits>

namespace sutro::nn::kernels::any {

template <class T>
inline T fmadd(T a, T b, T c) noexcept {
#if defined(__FMA__)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

template <class P, class T>
inline T madd(T a, T b, T c) noexcept {
  if constexpr (std::is_pointer_v<P>) return a * b + c;
  else return fmadd(a, b, c);
}

}  // namespace sutro::nn::kernels::any
