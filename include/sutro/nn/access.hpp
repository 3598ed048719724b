#pragma once
// The two memory-access policies that the MLP's passes and every sutro::optim
// rule are written against, so that one text runs raw or recorded:
//   direct_access  raw pointers and the build's best kernels (the timed code);
//   traced_access  every element read and write through memory::traced_accessor
//                  into a memory::trace, and the scalar kernel bodies (same bits).
// Code asks the policy for handles (m.h(p): p itself, or an accessed_ptr) and
// for kernels (m.axpy, m.dense_forward, ...); handle_of<Mode, T> is the raw
// instantiation's restrict pointer, so the raw code is the pointer code.
//
//   sutro::memory::trace t;
//   sutro::nn::traced_access rec{&t};
//   sutro::optim::sgd(0.1).update(net.grads(), state, net.params(), rec);   // recorded
//   sutro::optim::sgd(0.1).update(net.grads(), state, net.params());        // raw

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/activation.hpp"
#include "sutro/nn/kernels.hpp"

namespace sutro::nn {

/// The MLP's normal mode: raw pointers, the kernels of the build's default backend.
struct direct_access {
  template <class U>
  static U* h(U* p) noexcept { return p; }
  template <class T>
  static void fill_zero(T* p, std::size_t n) { std::fill_n(p, n, T(0)); }
  template <class T>
  static void copy(const T* from, std::size_t n, T* to) { std::copy_n(from, n, to); }
  template <class T>
  static void dense_forward(std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* b, T* out) {
    kernels::dense_forward(r, fi, fo, in, W, b, out);
  }
  template <class T>
  static void dense_forward_relu(std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* b,
                                 T* out) {
    kernels::dense_forward_relu(r, fi, fo, in, W, b, out);
  }
  template <class T>
  static void activate(activation a, std::size_t n, T* z) { nn::activate(a, std::span<T>(z, n)); }
  template <class T>
  static void dense_dot_rows(std::size_t r, std::size_t n, const T* in, const T* w, T bias, T* out) {
    kernels::dense_dot_rows(r, n, in, w, bias, out);
  }
  template <class T>
  static void relu_output_backward(const std::size_t* rows, std::size_t nr, std::size_t n, const T* g, const T* a,
                                   const T* w, T* delta, T* gw, T* gb) {
    kernels::relu_output_backward(rows, nr, n, g, a, w, delta, gw, gb);
  }
  template <class T>
  static void dense_weight_grad(const std::size_t* rows, std::size_t nr, std::size_t fi, std::size_t fo, const T* in,
                                const T* delta, T* gW) {
    kernels::dense_weight_grad(rows, nr, fi, fo, in, delta, gW);
  }
  template <class T>
  static void axpy(std::size_t n, T a, const T* x, T* y) { kernels::axpy(n, a, x, y); }
  template <class T>
  static T dot(std::size_t n, const T* x, const T* y) { return kernels::dot(n, x, y); }
  template <class T>
  static void multiply_by_derivative(activation a, std::size_t n, const T* y, T* d) {
    nn::multiply_by_derivative(a, n, y, d);
  }
  template <class T>
  static void gram_rows(std::size_t k, std::size_t n, const T* W, T* A) {
    kernels::gram_rows(default_backend{}, k, n, W, A);
  }
};

/// Traced mode: every element access of the MLP's buffers and of the caller's
/// inputs goes through memory::traced_accessor, into the scalar kernel bodies.
struct traced_access {
  memory::trace* sink;
  template <class U>
  using H = memory::accessed_ptr<U, memory::traced_accessor<U>>;
  template <class U>
  H<U> h(U* p) const {
    return {p, memory::traced_accessor<U>{sink}};
  }
  template <class T>
  void fill_zero(T* p, std::size_t n) const {
    const auto d = h(p);
    for (std::size_t i = 0; i < n; ++i) d[i] = T(0);
  }
  template <class T>
  void copy(const T* from, std::size_t n, T* to) const {
    const auto s = h(from);
    const auto d = h(to);
    for (std::size_t i = 0; i < n; ++i) d[i] = T(s[i]);
  }
  template <class T>
  void dense_forward(std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* b, T* out) const {
    kernels::any::dense_forward<T, H<const T>, H<const T>, H<const T>, H<T>>(r, fi, fo, h(in), h(W), h(b), h(out));
  }
  template <class T>
  void dense_forward_relu(std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* b,
                          T* out) const {
    kernels::any::dense_forward_relu<T, H<const T>, H<const T>, H<const T>, H<T>>(r, fi, fo, h(in), h(W), h(b),
                                                                                  h(out));
  }
  template <class T>
  void activate(activation a, std::size_t n, T* z) const { kernels::any::activate<T>(a, n, h(z)); }
  template <class T>
  void dense_dot_rows(std::size_t r, std::size_t n, const T* in, const T* w, T bias, T* out) const {
    kernels::any::dense_dot_rows<T, H<const T>, H<const T>, H<T>>(r, n, h(in), h(w), bias, h(out));
  }
  template <class T>
  void relu_output_backward(const std::size_t* rows, std::size_t nr, std::size_t n, const T* g, const T* a,
                            const T* w, T* delta, T* gw, T* gb) const {
    kernels::any::relu_output_backward<T, const std::size_t*, H<const T>, H<const T>, H<const T>, H<T>, H<T>, H<T>>(
        rows, nr, n, h(g), h(a), h(w), h(delta), h(gw), h(gb));
  }
  template <class T>
  void dense_weight_grad(const std::size_t* rows, std::size_t nr, std::size_t fi, std::size_t fo, const T* in,
                         const T* delta, T* gW) const {
    kernels::any::dense_weight_grad<T, const std::size_t*, H<const T>, H<const T>, H<T>>(rows, nr, fi, fo, h(in),
                                                                                       h(delta), h(gW));
  }
  template <class T>
  void axpy(std::size_t n, T a, const T* x, T* y) const {
    kernels::any::axpy<T, H<const T>, H<T>>(n, a, h(x), h(y));
  }
  template <class T>
  T dot(std::size_t n, const T* x, const T* y) const {
    return kernels::any::dot<T, H<const T>, H<const T>>(n, h(x), h(y));
  }
  template <class T>
  void multiply_by_derivative(activation a, std::size_t n, const T* y, T* d) const {
    kernels::any::multiply_by_derivative<T, H<const T>, H<T>>(a, n, h(y), h(d));
  }
  template <class T>
  void gram_rows(std::size_t k, std::size_t n, const T* W, T* A) const {
    kernels::any::gram_rows<T, H<const T>, H<T>>(k, n, h(W), h(A));
  }
};

/// The handle type a policy gives for T* (a restrict pointer under direct_access).
template <class Mode, class T>
using handle_of = memory::restrict_t<decltype(std::declval<const Mode&>().h(std::declval<T*>()))>;

/// True for policies that record (traced_access).
template <class Mode>
inline constexpr bool records_v = !std::is_same_v<Mode, direct_access>;

}  // namespace sutro::nn
