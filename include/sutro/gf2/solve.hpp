#pragma once
// Linear systems over GF(2): A x = b, A X = B, the kernel (nullspace) and the inverse.
//
//   using M = sutro::gf2::matrix<>;
//   using V = sutro::gf2::vector<>;
//   M a = M::from_rows({"110", "011"});
//   auto s = sutro::gf2::solve(a, V::from_string("10"));
//   if (s.consistent) { /* a * s.solution == b; every a * (s.solution + column of s.nullspace) too */ }
//   M k = sutro::gf2::kernel(a);          // 3 x 1, a * k == 0
//   M inv = sutro::gf2::inverse(M::identity(4));   // throws std::domain_error when singular
//
// Nullspace bases are matrices whose COLUMNS are the basis vectors (cols(A) x
// (cols(A) - rank)), so A * kernel(A) == 0. Free variables of the returned
// particular solution are zero. All of it is one reduced echelon form of
// [A | B], computed by the backend's elimination kernel, except the inverse
// of a large matrix on the simd backend: PLE, the inverse of L and a
// triangular solve.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/backend/cpu.hpp"
#include "sutro/gf2/bit_range.hpp"
#include "sutro/gf2/echelon.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/triangular.hpp"
#include "sutro/gf2/vector.hpp"

namespace sutro::gf2 {

template <class Backend = sutro::default_backend, class Alloc = sutro::backend_allocator_t<Backend, word>>
struct solve_result {
  bool consistent = false;
  vector<Backend, Alloc> solution;   ///< one solution (zero vector when inconsistent)
  matrix<Backend, Alloc> nullspace;  ///< columns: a basis of {x : A x = 0}
};

template <class Backend = sutro::default_backend, class Alloc = sutro::backend_allocator_t<Backend, word>>
struct solve_matrix_result {
  bool consistent = false;
  matrix<Backend, Alloc> solution;   ///< cols(A) x cols(B); zero when inconsistent
  matrix<Backend, Alloc> nullspace;  ///< columns: a basis of {x : A x = 0}
};

namespace detail {

/// dst[dst_bit, dst_bit + nbits) |= src[src_bit, src_bit + nbits); dst bits there must be zero.
inline void or_bits(word* dst, std::size_t dst_bit, const word* src, std::size_t src_words, std::size_t src_bit,
                    std::size_t nbits) noexcept {
  for (std::size_t k = 0; k < nbits; k += 64) {
    word v = bits_at(src, src_words, src_bit + k);
    if (nbits - k < 64) v &= (word{1} << (nbits - k)) - 1;
    const std::size_t at = dst_bit + k, w = at / 64, s = at % 64;
    dst[w] |= v << s;
    if (s != 0 && (v >> (64 - s)) != 0) dst[w + 1] |= v >> (64 - s);
  }
}

/// [a | b] with the backend and allocator of a.
template <matrix_like A, matrix_like B>
result_t<A> hcat(const A& a, const B& b) {
  auto out = make_result(a, a.rows(), a.cols() + b.cols());
  const cblock x = a.block(), y = b.block();
  for (std::size_t i = 0; i < x.rows; ++i) {
    or_bits(out.row_ptr(i), 0, x.row(i), x.words(), 0, x.cols);
    or_bits(out.row_ptr(i), x.cols, y.row(i), y.words(), 0, y.cols);
  }
  return out;
}

/// Rows [0, rows) and columns [c0, c1) of m, any c0.
template <class M>
M columns(const M& m, std::size_t rows, std::size_t c0, std::size_t c1) {
  M out(rows, c1 - c0, m.get_allocator());
  for (std::size_t i = 0; i < rows; ++i) or_bits(out.row_ptr(i), 0, m.row_ptr(i), m.words_used(), c0, c1 - c0);
  return out;
}

/// Basis of the nullspace from a reduced echelon form whose first n columns are A's.
template <class M>
M nullspace_from_rref(const M& r, const echelon_info& info, std::size_t n) {
  M basis(n, n - info.rank, r.get_allocator());
  std::vector<bool> is_pivot(n, false);
  for (std::size_t p : info.pivots) is_pivot[p] = true;
  std::size_t j = 0;
  for (std::size_t f = 0; f < n; ++f) {
    if (is_pivot[f]) continue;
    basis.set_unchecked(f, j, true);
    for (std::size_t t = 0; t < info.rank; ++t)
      if (r.get_unchecked(t, f)) basis.set_unchecked(info.pivots[t], j, true);
    ++j;
  }
  return basis;
}

/// Rows past the rank have a zero A part after elimination: any bit left is in B.
template <class M>
bool consistent_rows(const M& r, std::size_t rank) {
  for (std::size_t i = rank; i < r.rows(); ++i)
    for (std::size_t w = 0; w < r.words_used(); ++w)
      if (r.row_ptr(i)[w]) return false;
  return true;
}

}  // namespace detail

/// Solves A X = B. Throws std::invalid_argument when rows(A) != rows(B).
template <class Backend, class A1, class A2>
[[nodiscard]] solve_matrix_result<Backend, A1> solve(const matrix<Backend, A1>& a, const matrix<Backend, A2>& b) {
  if (a.rows() != b.rows())
    throw std::invalid_argument("sutro::gf2::solve: A is " + detail::shape(a.rows(), a.cols()) + " and B is " +
                                detail::shape(b.rows(), b.cols()) + " (their row counts must agree)");
  const std::size_t n = a.cols(), k = b.cols();
  auto aug = detail::hcat(a, b);
  const detail::scratch_scope scope(detail::scratch_counter_for(aug));
  const echelon_info info = kernels::echelonize(Backend{}, aug.block(), true, n, 1);
  solve_matrix_result<Backend, A1> out{false, matrix<Backend, A1>(n, k, a.get_allocator()),
                                       detail::nullspace_from_rref(aug, info, n)};
  out.consistent = detail::consistent_rows(aug, info.rank);
  if (out.consistent)
    for (std::size_t t = 0; t < info.rank; ++t)
      detail::or_bits(out.solution.row_ptr(info.pivots[t]), 0, aug.row_ptr(t), aug.words_used(), n, k);
  return out;
}

/// Solves A x = b. Throws std::invalid_argument when b.size() != rows(A).
template <class Backend, class A1, class A2>
[[nodiscard]] solve_result<Backend, A1> solve(const matrix<Backend, A1>& a, const vector<Backend, A2>& b) {
  if (a.rows() != b.size())
    throw std::invalid_argument("sutro::gf2::solve: A is " + detail::shape(a.rows(), a.cols()) + " and b has size " +
                                std::to_string(b.size()) + " (it must equal rows(A))");
  matrix<Backend, A1> bm(b.size(), 1, a.get_allocator());
  for (std::size_t i = 0; i < b.size(); ++i) bm.set_unchecked(i, 0, b.get_unchecked(i));
  auto s = sutro::gf2::solve(a, bm);
  solve_result<Backend, A1> out{s.consistent, vector<Backend, A1>(a.cols(), a.get_allocator()), std::move(s.nullspace)};
  for (std::size_t j = 0; j < a.cols(); ++j) out.solution.set_unchecked(j, s.solution.get_unchecked(j, 0));
  return out;
}

namespace detail {
template <class M>
inline constexpr bool is_window_v = !std::is_same_v<result_t<M>, std::remove_cvref_t<M>>;
}  // namespace detail

/// A X = B where A or B is a window: solved on copies (the elimination runs
/// on an augmented copy in any case); the results use the default allocator.
template <matrix_like MA, matrix_like MB>
requires(detail::is_window_v<MA> || detail::is_window_v<MB>) [[nodiscard]] auto solve(const MA& a, const MB& b) {
  return sutro::gf2::solve(sutro::gf2::copy_of(a), sutro::gf2::copy_of(b));
}

/// A x = b where A is a window: solved on a copy of A.
template <matrix_like MA, class Backend, class A2>
requires detail::is_window_v<MA>
[[nodiscard]] auto solve(const MA& a, const vector<Backend, A2>& b) {
  return sutro::gf2::solve(sutro::gf2::copy_of(a), b);
}

/// Basis of {x : A x = 0} as the columns of a cols(A) x (cols(A) - rank(A)) matrix.
template <matrix_like M>
[[nodiscard]] detail::result_t<M> kernel(const M& a) {
  auto r = sutro::gf2::copy_of(a);
  const echelon_info info = sutro::gf2::echelonize(r, true);
  return detail::nullspace_from_rref(r, info, a.cols());
}

/// From this size the simd backend inverts through the PLE and triangular solves.
inline constexpr std::size_t inverse_ple_min = 4096;

/// The inverse of a square matrix. Throws std::invalid_argument when A is not
/// square and std::domain_error when it is singular.
template <matrix_like M>
[[nodiscard]] detail::result_t<M> inverse(const M& a, unsigned threads = 1) {
  const std::size_t n = a.rows();
  if (a.cols() != n)
    throw std::invalid_argument("sutro::gf2::inverse: A is " + detail::shape(a.rows(), a.cols()) + ", not square");
  using B = typename detail::result_t<M>::backend_type;
  if constexpr (!std::is_same_v<B, sutro::scalar>) {
    // Large: P A = L U, so A^-1 = U^-1 L^-1 P. L^-1 by recursion on the fast
    // product (a third of a product; the solve L X = P does half of one),
    // U^-1 applied in place by a triangular solve, P as a column
    // permutation. Each factor is freed once used, so at most three n x n
    // matrices are alive. On an Intel Xeon at 8192 the four steps take about
    // 38 (PLE), 17, 29 and 8 ms; the reduced form of [A | I] takes twice the
    // whole.
    if (n >= inverse_ple_min) {
      using R = detail::result_t<M>;
      auto f = sutro::gf2::ple(a, threads);
      if (f.rank != n)
        throw std::domain_error("sutro::gf2::inverse: the " + detail::shape(n, n) + " matrix is singular (rank " +
                                std::to_string(f.rank) + ")");
      auto y = detail::make_result(a, n, n);
      {
        const detail::scratch_scope scope(detail::scratch_counter_for(y));
        const unsigned workers = cpu::worker_threads(threads);
        detail::lower_inverse(B{}, y.block(), f.l.block(), workers);
        f.l = R(f.l.get_allocator());
        // E is unit upper triangular: the PLE of a matrix of full rank has its pivots on the diagonal.
        kernels::trsm_upper(B{}, y.block(), f.e.block(), workers);
        f.e = R(f.e.get_allocator());
      }
      // A^-1 = Y P: column perm[i] of A^-1 is column i of Y.
      std::vector<std::size_t> from(n);
      for (std::size_t i = 0; i < n; ++i) from[f.perm[i]] = i;
      return sutro::gf2::permute_columns(std::move(y), from);
    }
  }
  auto id = detail::make_result(a, n, n);  // a's allocator, like the result
  for (std::size_t i = 0; i < n; ++i) id.set_unchecked(i, i, true);
  auto aug = detail::hcat(a, id);
  const detail::scratch_scope scope(detail::scratch_counter_for(aug));
  using B = typename detail::result_t<M>::backend_type;
  const echelon_info info = kernels::echelonize(B{}, aug.block(), true, n, cpu::worker_threads(threads));
  if (info.rank != n)
    throw std::domain_error("sutro::gf2::inverse: the " + detail::shape(n, n) + " matrix is singular (rank " +
                            std::to_string(info.rank) + ")");
  return detail::columns(aug, n, n, 2 * n);
}

}  // namespace sutro::gf2
