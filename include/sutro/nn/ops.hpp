#pragma once
// The MLP's and the optimizers' kernels, overloaded on the memory-access
// policy (memory/access_policy.hpp) as xsimd overloads on architecture tags:
//   memory::raw_access_on<B>  raw pointers and backend B's kernels (the timed code;
//                             memory::raw_access: the build's default_backend);
//   memory::recording_access  the scalar kernel bodies over recording handles (same bits).
// Passes and optimizer rules are written once over a policy `m`: they index
// buffers through `m(p)` and call `nn::ops::axpy(m, ...)`, `ops::dense_forward(m, ...)`.
//
//   sutro::memory::trace t;
//   sutro::memory::recording_access rec{&t};
//   sutro::optim::sgd({.lr = 0.1}).update(net.grads(), state, net.params(), rec);  // recorded
//   sutro::optim::sgd({.lr = 0.1}).update(net.grads(), state, net.params());       // raw

#include <algorithm>
#include <cstddef>
#include <span>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/nn/activation.hpp"
#include "sutro/nn/kernels.hpp"

namespace sutro::nn::ops {

using memory::raw_access_on;
using memory::recording_access;

template <class T>
using recorded = memory::accessed_ptr<T, memory::recording_accessor<T>>;

template <class B, class T>
void fill_zero(raw_access_on<B>, T* p, std::size_t n) {
  std::fill_n(p, n, T(0));
}
template <class T>
void fill_zero(const recording_access& m, T* p, std::size_t n) {
  const auto d = m(p);
  for (std::size_t i = 0; i < n; ++i) d[i] = T(0);
}

template <class B, class T>
void copy(raw_access_on<B>, const T* from, std::size_t n, T* to) {
  std::copy_n(from, n, to);
}
template <class T>
void copy(const recording_access& m, const T* from, std::size_t n, T* to) {
  const auto s = m(from);
  const auto d = m(to);
  for (std::size_t i = 0; i < n; ++i) d[i] = T(s[i]);
}

template <class B, class T>
void dense_forward(raw_access_on<B>, std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* b,
                   T* out) {
  kernels::dense_forward(B{}, r, fi, fo, in, W, b, out);
}
template <class T>
void dense_forward(const recording_access& m, std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W,
                   const T* b, T* out) {
  kernels::any::dense_forward<T, recorded<const T>, recorded<const T>, recorded<const T>, recorded<T>>(
      r, fi, fo, m(in), m(W), m(b), m(out));
}

template <class B, class T>
void dense_forward_relu(raw_access_on<B>, std::size_t r, std::size_t fi, std::size_t fo, const T* in, const T* W,
                        const T* b, T* out) {
  kernels::dense_forward_relu(B{}, r, fi, fo, in, W, b, out);
}
template <class T>
void dense_forward_relu(const recording_access& m, std::size_t r, std::size_t fi, std::size_t fo, const T* in,
                        const T* W, const T* b, T* out) {
  kernels::any::dense_forward_relu<T, recorded<const T>, recorded<const T>, recorded<const T>, recorded<T>>(
      r, fi, fo, m(in), m(W), m(b), m(out));
}

template <class B, class T>
void activate(raw_access_on<B>, activation a, std::size_t n, T* z) {
  nn::activate(a, std::span<T>(z, n));
}
template <class T>
void activate(const recording_access& m, activation a, std::size_t n, T* z) {
  kernels::any::activate<T>(a, n, m(z));
}

template <class B, class T>
void dense_dot_rows(raw_access_on<B>, std::size_t r, std::size_t n, const T* in, const T* w, T bias, T* out) {
  kernels::dense_dot_rows(B{}, r, n, in, w, bias, out);
}
template <class T>
void dense_dot_rows(const recording_access& m, std::size_t r, std::size_t n, const T* in, const T* w, T bias, T* out) {
  kernels::any::dense_dot_rows<T, recorded<const T>, recorded<const T>, recorded<T>>(r, n, m(in), m(w), bias, m(out));
}

template <class B, class T>
void relu_output_backward(raw_access_on<B>, const std::size_t* rows, std::size_t nr, std::size_t n, const T* g,
                          const T* a, const T* w, T* delta, T* gw, T* gb) {
  kernels::relu_output_backward(B{}, rows, nr, n, g, a, w, delta, gw, gb);
}
template <class T>
void relu_output_backward(const recording_access& m, const std::size_t* rows, std::size_t nr, std::size_t n, const T* g,
                          const T* a, const T* w, T* delta, T* gw, T* gb) {
  kernels::any::relu_output_backward<T, const std::size_t*, recorded<const T>, recorded<const T>, recorded<const T>,
                                     recorded<T>, recorded<T>, recorded<T>>(rows, nr, n, m(g), m(a), m(w), m(delta),
                                                                            m(gw), m(gb));
}

template <class B, class T>
void dense_weight_grad(raw_access_on<B>, const std::size_t* rows, std::size_t nr, std::size_t fi, std::size_t fo,
                       const T* in, const T* delta, T* gW) {
  kernels::dense_weight_grad(B{}, rows, nr, fi, fo, in, delta, gW);
}
template <class T>
void dense_weight_grad(const recording_access& m, const std::size_t* rows, std::size_t nr, std::size_t fi,
                       std::size_t fo, const T* in, const T* delta, T* gW) {
  kernels::any::dense_weight_grad<T, const std::size_t*, recorded<const T>, recorded<const T>, recorded<T>>(
      rows, nr, fi, fo, m(in), m(delta), m(gW));
}

template <class B, class T>
void relu_output_weight_grad(raw_access_on<B>, const std::size_t* rows, std::size_t nr, std::size_t fi, std::size_t n,
                             const T* g, const T* in, const T* a, const T* w, T* gW, T* gw, T* gb) {
  kernels::relu_output_weight_grad(B{}, rows, nr, fi, n, g, in, a, w, gW, gw, gb);
}
template <class T>
void relu_output_weight_grad(const recording_access& m, const std::size_t* rows, std::size_t nr, std::size_t fi,
                             std::size_t n, const T* g, const T* in, const T* a, const T* w, T* gW, T* gw, T* gb) {
  kernels::any::relu_output_weight_grad<T, const std::size_t*, recorded<const T>, recorded<const T>, recorded<const T>,
                                        recorded<const T>, recorded<T>, recorded<T>, recorded<T>>(
      rows, nr, fi, n, m(g), m(in), m(a), m(w), m(gW), m(gw), m(gb));
}

template <class B, class T>
void axpy(raw_access_on<B>, std::size_t n, T a, const T* x, T* y) {
  kernels::axpy(B{}, n, a, x, y);
}
template <class T>
void axpy(const recording_access& m, std::size_t n, T a, const T* x, T* y) {
  kernels::any::axpy<T, recorded<const T>, recorded<T>>(n, a, m(x), m(y));
}

template <class B, class T>
[[nodiscard]] T dot(raw_access_on<B>, std::size_t n, const T* x, const T* y) {
  return kernels::dot(B{}, n, x, y);
}
template <class T>
[[nodiscard]] T dot(const recording_access& m, std::size_t n, const T* x, const T* y) {
  return kernels::any::dot<T, recorded<const T>, recorded<const T>>(n, m(x), m(y));
}

template <class B, class T>
void multiply_by_derivative(raw_access_on<B>, activation a, std::size_t n, const T* y, T* d) {
  nn::multiply_by_derivative(a, n, y, d);
}
template <class T>
void multiply_by_derivative(const recording_access& m, activation a, std::size_t n, const T* y, T* d) {
  kernels::any::multiply_by_derivative<T, recorded<const T>, recorded<T>>(a, n, m(y), m(d));
}

template <class B, class T>
void gram_rows(raw_access_on<B>, std::size_t k, std::size_t n, const T* W, T* A) {
  kernels::gram_rows(B{}, k, n, W, A);
}
template <class T>
void gram_rows(const recording_access& m, std::size_t k, std::size_t n, const T* W, T* A) {
  kernels::any::gram_rows<T, recorded<const T>, recorded<T>>(k, n, m(W), m(A));
}

template <class B, class T>
[[nodiscard]] bool spd_inverse(raw_access_on<B>, std::size_t n, T* A, T min_pivot = T(0)) {
  return kernels::spd_inverse(B{}, n, A, min_pivot);
}
template <class T>
[[nodiscard]] bool spd_inverse(const recording_access& m, std::size_t n, T* A, T min_pivot = T(0)) {
  return kernels::any::spd_inverse<T, recorded<T>>(n, m(A), min_pivot);
}
/// out = in^-1 (see kernels::spd_inverse); in and out do not overlap.
template <class B, class T>
[[nodiscard]] bool spd_inverse(raw_access_on<B>, std::size_t n, const T* in, T* out, T min_pivot = T(0)) {
  return kernels::spd_inverse(B{}, n, in, out, min_pivot);
}
template <class T>
[[nodiscard]] bool spd_inverse(const recording_access& m, std::size_t n, const T* in, T* out, T min_pivot = T(0)) {
  copy(m, in, n * n, out);
  return kernels::any::spd_inverse<T, recorded<T>>(n, m(out), min_pivot);
}

template <class B, class T>
[[nodiscard]] T newton_polar_step(raw_access_on<B>, std::size_t k, T z, T* M, const T* Mi, T* F) {
  return kernels::newton_polar_step(B{}, k, z, M, Mi, F);
}
template <class T>
[[nodiscard]] T newton_polar_step(const recording_access& m, std::size_t k, T z, T* M, const T* Mi, T* F) {
  return kernels::any::newton_polar_step<T, recorded<T>, recorded<const T>, recorded<T>>(k, z, m(M), m(Mi), m(F));
}

template <class B, class From, class To>
void transpose_convert(raw_access_on<B>, std::size_t rows, std::size_t cols, const From* in, To* out) {
  kernels::transpose_convert(B{}, rows, cols, in, out);
}
template <class From, class To>
void transpose_convert(const recording_access& m, std::size_t rows, std::size_t cols, const From* in, To* out) {
  kernels::any::transpose_convert<From, To, recorded<const From>, recorded<To>>(rows, cols, m(in), m(out));
}

}  // namespace sutro::nn::ops
