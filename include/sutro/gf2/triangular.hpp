#pragma once
// Triangular solves over GF(2): X = L^-1 B and X = U^-1 B.
//
//   using M = sutro::gf2::matrix<>;
//   M l = M::from_rows({"100", "110", "011"});
//   M b = M::from_rows({"10", "01", "11"});
//   M x = sutro::gf2::solve_lower_triangular(l, b);        // l * x == b
//   auto y = sutro::gf2::solve_upper_triangular(sutro::gf2::transpose(l),
//                                               sutro::gf2::vector<>::from_string("101"));
//
// Only the triangle named is read (like BLAS trsm): entries on the other side
// of the diagonal are ignored. Over GF(2) a triangular matrix is invertible
// exactly when its diagonal is all ones, so "unit" and "non-unit" coincide: a
// zero on the diagonal throws std::domain_error naming its row. A non-square
// T or rows(B) != rows(T) throws std::invalid_argument naming both shapes.
// The scalar backend substitutes row by row (the reference); simd splits at
// multiples of 64 rows and does the off-diagonal blocks with the fast product.

#include <cstddef>
#include <stdexcept>
#include <string>

#include "sutro/backend/cpu.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/multiply.hpp"
#include "sutro/gf2/scalar/triangular.hpp"
#include "sutro/gf2/vector.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/gf2/simd/kernels.hpp"
#endif

namespace sutro::gf2 {
namespace detail {

template <class T>
void check_triangular(const char* what, const char* name, const T& t, std::size_t b_rows, std::size_t b_cols,
                      bool b_is_vector) {
  const std::string fn = std::string("sutro::gf2::") + what + ": ";
  if (t.rows() != t.cols())
    throw std::invalid_argument(fn + name + " is " + shape(t.rows(), t.cols()) + ", not square");
  if (b_rows != t.rows())
    throw std::invalid_argument(
        fn + name + " is " + shape(t.rows(), t.cols()) +
        (b_is_vector ? " and b has size " + std::to_string(b_rows) : " and B is " + shape(b_rows, b_cols)) +
        " (it must have " + std::to_string(t.rows()) + " rows)");
  const cblock tb = t.block();
  for (std::size_t i = 0; i < tb.rows; ++i)
    if (!((tb.row(i)[i / 64] >> (i % 64)) & 1u))
      throw std::domain_error(fn + "the diagonal entry of row " + std::to_string(i) + " of the " +
                              shape(t.rows(), t.cols()) + " " + name +
                              " is 0, so it is singular (over GF(2) the diagonal must be all ones)");
}

template <bool Lower, matrix_like T, matrix_like B>
result_t<B> trsm(const char* what, const char* name, const T& t, const B& b, unsigned threads) {
  check_triangular(what, name, t, b.rows(), b.cols(), false);
  auto x = sutro::gf2::copy_of(b);
  const scratch_scope scope(scratch_counter_for(x));
  using Backend = typename result_t<B>::backend_type;
  if constexpr (Lower)
    kernels::trsm_lower(Backend{}, x.block(), t.block(), cpu::worker_threads(threads));
  else
    kernels::trsm_upper(Backend{}, x.block(), t.block(), cpu::worker_threads(threads));
  return x;
}

template <bool Lower, matrix_like T, class Backend, class VA>
vector<Backend, VA> trsv(const char* what, const char* name, const T& t, const vector<Backend, VA>& b) {
  check_triangular(what, name, t, b.size(), 1, true);
  // A vector is one row of bits; as a column it is an n x 1 matrix.
  const scratch_scope scope(counter_of(b.get_allocator()));
  matrix<Backend, VA> x(b.size(), 1, b.get_allocator());
  for (std::size_t i = 0; i < b.size(); ++i) x.set_unchecked(i, 0, b.get_unchecked(i));
  if constexpr (Lower)
    kernels::trsm_lower(Backend{}, x.block(), t.block(), 1);
  else
    kernels::trsm_upper(Backend{}, x.block(), t.block(), 1);
  vector<Backend, VA> y(b.size(), b.get_allocator());
  for (std::size_t i = 0; i < b.size(); ++i) y.set_unchecked(i, x.get_unchecked(i, 0));
  return y;
}

/// From this many rows down, lower_inverse solves L Y = I instead of recursing.
inline constexpr std::size_t lower_inverse_base = 1024;

/// y = L^-1, L unit lower triangular (its upper triangle is ignored), y
/// zero on entry. Over GF(2), [L11 0; L21 L22]^-1 = [Y11 0; Y22 L21 Y11, Y22]
/// with Yii = Lii^-1: two half-size products a level, a third of one
/// product's work in all, where the solve L Y = I does half of one.
template <class Backend>
void lower_inverse(Backend tag, mblock y, cblock l, unsigned threads) {
  const std::size_t n = l.rows;
  if (n <= lower_inverse_base) {
    for (std::size_t i = 0; i < n; ++i) y.row(i)[i / 64] |= word{1} << (i % 64);
    kernels::trsm_lower(tag, y, l, threads);
    return;
  }
  const std::size_t h = (n / 2 + 63) / 64 * 64;
  const auto part = [](auto b, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t cols) {
    return decltype(b){b.data + r0 * b.stride + c0 / 64, rows, cols, b.stride};
  };
  const mblock y11 = part(y, 0, h, 0, h), y21 = part(y, h, n - h, 0, h), y22 = part(y, h, n - h, h, n - h);
  lower_inverse(tag, y11, part(l, 0, h, 0, h), threads);
  lower_inverse(tag, y22, part(l, h, n - h, h, n - h), threads);
  const std::size_t stride = padded_words(h);
  scratch_vector<word> t_words((n - h) * stride);
  const mblock t{t_words.data(), n - h, h, stride};
  kernels::mul_add(tag, t, part(l, h, n - h, 0, h), cblock(y11), threads);
  kernels::mul_add(tag, y21, cblock(y22), cblock(t), threads);
}

}  // namespace detail

/// X with L X = B, L square and lower triangular (its upper triangle is ignored).
template <matrix_like T, matrix_like B>
[[nodiscard]] detail::result_t<B> solve_lower_triangular(const T& l, const B& b, unsigned threads = 1) {
  return detail::trsm<true>("solve_lower_triangular", "L", l, b, threads);
}
/// X with U X = B, U square and upper triangular (its lower triangle is ignored).
template <matrix_like T, matrix_like B>
[[nodiscard]] detail::result_t<B> solve_upper_triangular(const T& u, const B& b, unsigned threads = 1) {
  return detail::trsm<false>("solve_upper_triangular", "U", u, b, threads);
}
/// x with L x = b.
template <matrix_like T, class Backend, class VA>
[[nodiscard]] vector<Backend, VA> solve_lower_triangular(const T& l, const vector<Backend, VA>& b) {
  return detail::trsv<true>("solve_lower_triangular", "L", l, b);
}
/// x with U x = b.
template <matrix_like T, class Backend, class VA>
[[nodiscard]] vector<Backend, VA> solve_upper_triangular(const T& u, const vector<Backend, VA>& b) {
  return detail::trsv<false>("solve_upper_triangular", "U", u, b);
}

}  // namespace sutro::gf2
