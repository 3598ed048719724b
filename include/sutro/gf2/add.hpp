#pragma once
// Addition over GF(2) is XOR.
//
//   auto c = a + b;                 // new matrix (allocator of a)
//   a += b;                         // in place
//   using sutro::gf2::row_range, sutro::gf2::col_range;
//   sutro::gf2::add_into(a.window(row_range{0, 64}, col_range{0, 128}),      // windows too
//                        b.window(row_range{64, 128}, col_range{0, 128}));
//
// Shapes must agree: std::invalid_argument names both otherwise. dst and src
// may be overlapping windows of one matrix: the result is dst + (src as it
// was before the call).

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/add.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/gf2/simd/kernels.hpp"
#endif

namespace sutro::gf2 {
namespace detail {
inline void check_same_shape(const char* what, std::size_t r1, std::size_t c1, std::size_t r2, std::size_t c2) {
  if (r1 != r2 || c1 != c2)
    throw std::invalid_argument(std::string("sutro::gf2::") + what + ": shapes " + shape(r1, c1) + " and " +
                                shape(r2, c2) + " differ");
}
}  // namespace detail

/// dst += src (dst a matrix or a writable window).
template <class Dst, matrix_like Src>
void add_into(Dst&& dst, const Src& src) {
  detail::check_same_shape("add_into", dst.rows(), dst.cols(), src.rows(), src.cols());
  using B = typename std::remove_cvref_t<Dst>::backend_type;
  const detail::mblock d = dst.block();
  const detail::cblock s = src.block();
  if (s.data == d.data || !detail::overlaps(d, s)) {
    for (std::size_t i = 0; i < d.rows; ++i) kernels::xor_row(B{}, d.row(i), s.row(i), d.words());
    return;
  }
  // Overlapping windows of one matrix (rows 1..3 += rows 0..2): each word of
  // dst is its source word moved by a fixed distance. Visiting words in
  // decreasing address order when dst lies after src (increasing when before)
  // reads every source word before it is written.
  if (d.stride != s.stride) {  // not two windows of one matrix: add a copy
    const detail::scratch_scope scope(detail::scratch_counter_for(dst));
    matrix<B, detail::scratch_allocator<word>> copy(s.rows, s.cols);
    for (std::size_t i = 0; i < s.rows; ++i) std::copy_n(s.row(i), s.words(), copy.row_ptr(i));
    const detail::cblock c = copy.block();
    for (std::size_t i = 0; i < d.rows; ++i) kernels::xor_row(B{}, d.row(i), c.row(i), d.words());
    return;
  }
  const std::size_t n = d.words();
  if (d.data < s.data) {
    // Forward, as the kernels go: a word is written only after its source was read.
    for (std::size_t i = 0; i < d.rows; ++i) kernels::xor_row(B{}, d.row(i), s.row(i), n);
    return;
  }
  const auto dist = static_cast<std::size_t>(d.data - s.data);
  for (std::size_t i = d.rows; i-- > 0;) {
    if (dist >= n) {
      kernels::xor_row(B{}, d.row(i), s.row(i), n);
    } else {
      word* dr = d.row(i);
      const word* sr = s.row(i);
      for (std::size_t w = n; w-- > 0;) dr[w] ^= sr[w];
    }
  }
}

template <matrix_like A, matrix_like B>
[[nodiscard]] detail::result_t<A> add(const A& a, const B& b) {
  detail::check_same_shape("add", a.rows(), a.cols(), b.rows(), b.cols());
  auto out = sutro::gf2::copy_of(a);
  sutro::gf2::add_into(out, b);
  return out;
}

/// add(a, b) for matrices and windows on either side.
template <matrix_like A, matrix_like B>
requires std::same_as<typename A::backend_type, typename B::backend_type>
[[nodiscard]] detail::result_t<A> operator+(const A& a, const B& b) { return sutro::gf2::add(a, b); }
template <class Backend, class A1, matrix_like B>
matrix<Backend, A1>& operator+=(matrix<Backend, A1>& a, const B& b) {
  sutro::gf2::add_into(a, b);
  return a;
}

}  // namespace sutro::gf2
