#pragma once
// madd<P>(a, b, c) = a * b + c rounded once (std::fma), for a kernel whose
// memory handles are of type P.
//
// Always fused, whatever -march and whatever handle type: the reference
// kernels, their traced instantiations and every level's simd kernels
// (nn/simd/dense.inl) then give the same bits, on every build and every CPU.
// Left to the compiler, a * b + c is contracted only where the target has FMA
// (and only for raw pointers), so a baseline build would round differently
// from the AVX2 and AVX-512 kernels that sutro::simd picks at run time.
// Where the target lacks FMA, std::fma is a libm call (glibc uses the
// hardware instruction when the CPU has one): the reference is slower there,
// never different.
//
// fmadd(a, b, c) is a * b + c as the build's raw code rounds it (fused only on
// FMA targets), for traced code that must repeat an untraced expression.

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
  return std::fma(a, b, c);
}

}  // namespace sutro::nn::kernels::any
