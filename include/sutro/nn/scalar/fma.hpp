#pragma once
// madd<P>(a, b, c) and fmadd(a, b, c): a * b + c rounded once (std::fma).
//
// Always fused, whatever -march and whatever handle type: the reference
// kernels, their traced instantiations, every level's simd kernels
// (nn/simd/dense.inl) and the optimizers' element loops then give the same
// bits, on every build and every CPU, so a seed's training run is the same
// in a -march=native build, a baseline one (-march=x86-64-v2, or the
// compiler's default x86-64 as the Python wheel is built) and at every -O
// level (tests/optim/build_independence_test.cpp). Left to the compiler,
// a * b + c is contracted only where the target has FMA. Where it lacks FMA,
// std::fma is a libm call (glibc uses the hardware instruction when the CPU
// has one): the element loops that call it per element run through
// element_loop, which gives them an FMA copy for such CPUs
// (SUTRO_FMA_CLONES, config/macros.hpp); elsewhere it is slower, never
// different.
//
// madd takes the handle type P of the kernel it serves (nn/scalar/dense.hpp);
// fmadd is the same operation for code without one.
//
//   any::element_loop(mode, [&] { for (...) u[i] = any::fmadd(d, p[i], u[i]); });

#include <cmath>
#include <type_traits>

#include "sutro/config/macros.hpp"
#include "sutro/memory/access_policy.hpp"

namespace sutro::nn::kernels::any {

namespace detail {
// f() in the FMA copy where the build's target lacks FMA (SUTRO_FMA_CLONES).
// noexcept: GCC 12 does not unwind through a target_clones function (an
// exception thrown inside ends the program), so only loops that cannot throw
// come here.
template <class F>
SUTRO_FMA_CLONES void in_fma_copy(F& f) noexcept {
  f();
}
}  // namespace detail

/// Runs an element loop whose multiply-adds are fmadd or madd: in the FMA
/// copy when NoThrow (raw pointers: memory::is_raw_v), as it is otherwise (a
/// recording policy's trace may throw at its limit, another policy's handle
/// may check bounds). The same bits either way.
template <bool NoThrow, class F>
inline void element_loop(F&& f) {
  if constexpr (NoThrow)
    detail::in_fma_copy(f);
  else
    f();
}

/// element_loop for a loop whose reads and writes go through `mode`'s
/// handles: in the FMA copy under raw access (memory::is_raw_v).
template <class Mode, class F>
inline void element_loop(const Mode&, F&& f) {
  element_loop<memory::is_raw_v<Mode>>(f);
}

template <class T>
inline T fmadd(T a, T b, T c) noexcept {
  return std::fma(a, b, c);
}

template <class P, class T>
inline T madd(T a, T b, T c) noexcept {
  return std::fma(a, b, c);
}

}  // namespace sutro::nn::kernels::any
