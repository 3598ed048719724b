#pragma once
// Strassen-Winograd (7 products, 15 additions; over GF(2) subtraction is
// addition) on top of the base product, for C += A B. Schedule with four
// temporaries of one quadrant each (S, T for operands, Q, R for products),
// adding the products straight into C's quadrants:
//   P5 = (A21+A22)(B11+B12)            -> C12, C22
//   P1 = A11 B11 -> C11;  Q = P1 + (S1+A11)(T1+B22) -> C12, C21, C22
//   C12 += (A12+S2) B22;  C21 += A22 (T2+B21)
//   P7 = (A11+A21)(B12+B22)            -> C21, C22
//   C11 += A12 B21
// Halves are multiples of 64 columns; the fringe beyond the even part goes
// to the base product. Row XORs go through xor_row(tag, ...): the level
// kernels pass their own tag, found by argument-dependent lookup.

#include <algorithm>
#include <cstddef>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"

namespace sutro::gf2::kernels {
namespace sw {

template <class W>
detail::block<W> sub(detail::block<W> m, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t cols) noexcept {
  return {m.data + r0 * m.stride + c0 / 64, rows, cols, m.stride};
}

template <class Tag>
void add_to(Tag tag, detail::mblock dst, detail::cblock src) noexcept {
  for (std::size_t i = 0; i < dst.rows; ++i) xor_row(tag, dst.row(i), src.row(i), dst.words());
}
template <class Tag>
void sum(Tag tag, detail::mblock dst, detail::cblock x, detail::cblock y) noexcept {
  for (std::size_t i = 0; i < dst.rows; ++i) {
    std::copy_n(x.row(i), dst.words(), dst.row(i));
    xor_row(tag, dst.row(i), y.row(i), dst.words());
  }
}
inline void clear(detail::mblock m) noexcept {
  for (std::size_t i = 0; i < m.rows; ++i) std::fill_n(m.row(i), m.words(), word{0});
}

}  // namespace sw

/// C += A B, Strassen-Winograd while every dimension is at least `cutoff`,
/// then `base(c, a, b)`.
template <class Tag, class Base>
void strassen_mul_add(Tag tag, detail::mblock c, detail::cblock a, detail::cblock b, std::size_t cutoff,
                      const Base& base) {
  const std::size_t m = a.rows, k = a.cols, n = b.cols;
  if (std::min({m, k, n}) < std::max<std::size_t>(cutoff, 128)) return base(c, a, b);
  const std::size_t hm = m / 128 * 64, hk = k / 128 * 64, hn = n / 128 * 64;
  using sw::sub;
  const auto a11 = sub(a, 0, hm, 0, hk), a12 = sub(a, 0, hm, hk, hk), a21 = sub(a, hm, hm, 0, hk),
             a22 = sub(a, hm, hm, hk, hk);
  const auto b11 = sub(b, 0, hk, 0, hn), b12 = sub(b, 0, hk, hn, hn), b21 = sub(b, hk, hk, 0, hn),
             b22 = sub(b, hk, hk, hn, hn);
  const auto c11 = sub(c, 0, hm, 0, hn), c12 = sub(c, 0, hm, hn, hn), c21 = sub(c, hm, hm, 0, hn),
             c22 = sub(c, hm, hm, hn, hn);
  // Storage only: every operation on the temporaries goes through `tag`.
  using temp = matrix<scalar, detail::scratch_allocator<word>>;
  temp s_(hm, hk), t_(hk, hn), q_(hm, hn), r_(hm, hn);
  const detail::mblock s = s_.block(), t = t_.block(), q = q_.block(), r = r_.block();
  auto rec = [&](detail::mblock cc, detail::cblock aa, detail::cblock bb) {
    strassen_mul_add(tag, cc, aa, bb, cutoff, base);
  };
  sw::sum(tag, s, a21, a22);  // S1
  sw::sum(tag, t, b12, b11);  // T1
  rec(r, s, t);               // P5
  sw::add_to(tag, c12, r);
  sw::add_to(tag, c22, r);
  sw::add_to(tag, s, a11);  // S2 = S1 + A11
  sw::sum(tag, t, t, b22);  // T2 = T1 + B22
  rec(q, a11, b11);         // P1
  sw::add_to(tag, c11, q);
  rec(q, s, t);  // Q = P1 + P6
  sw::add_to(tag, c12, q);
  sw::add_to(tag, c21, q);
  sw::add_to(tag, c22, q);
  sw::add_to(tag, s, a12);    // S4 = S2 + A12
  rec(c12, s, b22);           // P3
  sw::add_to(tag, t, b21);    // T4 = T2 + B21
  rec(c21, a22, t);           // P4
  sw::sum(tag, s, a11, a21);  // S3
  sw::sum(tag, t, b22, b12);  // T3
  sw::clear(r);
  rec(r, s, t);  // P7
  sw::add_to(tag, c21, r);
  sw::add_to(tag, c22, r);
  rec(c11, a12, b21);  // P2
  // Fringes: the odd k columns, the odd n columns, the odd m rows.
  if (k > 2 * hk)
    base(sub(c, 0, 2 * hm, 0, 2 * hn), sub(a, 0, 2 * hm, 2 * hk, k - 2 * hk), sub(b, 2 * hk, k - 2 * hk, 0, 2 * hn));
  if (n > 2 * hn)
    base(sub(c, 0, 2 * hm, 2 * hn, n - 2 * hn), sub(a, 0, 2 * hm, 0, k), sub(b, 0, k, 2 * hn, n - 2 * hn));
  if (m > 2 * hm) base(sub(c, 2 * hm, m - 2 * hm, 0, n), sub(a, 2 * hm, m - 2 * hm, 0, k), b);
}

}  // namespace sutro::gf2::kernels
