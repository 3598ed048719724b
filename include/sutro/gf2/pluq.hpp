#pragma once
// PLUQ decomposition over GF(2) (M4RI's mzd_pluq), the column rank profile,
// and the left and right kernels read from it.
//
//   auto a = sutro::gf2::matrix<>::random(300, 200, 1);
//   auto f = sutro::gf2::pluq(a);
//   // permute_columns(permute_rows(a, f.row_perm), f.col_perm) == f.l * f.u
//   auto profile = f.pivots();            // columns of the first rank independent ones
//   auto k = sutro::gf2::right_kernel(f); // 200 x (200 - rank), a * k == 0
//   auto y = sutro::gf2::left_kernel(f);  // (300 - rank) x 300, y * a == 0
//
// L is m x r unit lower trapezoidal, U is r x n unit upper trapezoidal, r the
// rank. The column permutation puts the column rank profile first (the pivot
// columns of the echelon forms, increasing; M4RI's Q starts with the same
// columns) and keeps the other columns in order. It is read from the PLE
// decomposition (echelon.hpp): U is E with its columns so permuted, so it
// costs a PLE and two transposes. The kernels are one triangular solve each
// (the simd backend's solves run on the fast product).

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

#include "sutro/gf2/echelon.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/solve.hpp"
#include "sutro/gf2/transpose.hpp"
#include "sutro/gf2/triangular.hpp"

namespace sutro::gf2 {

/// P A Q = L U. Row i of P A is row row_perm[i] of A; column j of A Q is
/// column col_perm[j] of A.
template <class M>
struct pluq_result {
  std::vector<std::size_t> row_perm, col_perm;
  M l, u;  ///< m x rank unit lower, rank x n unit upper trapezoidal
  std::size_t rank = 0;
  /// The column rank profile: the first `rank` entries of col_perm, increasing.
  [[nodiscard]] std::span<const std::size_t> pivots() const noexcept { return {col_perm.data(), rank}; }
};

/// The PLUQ decomposition of a (any shape; threads as in ple()).
template <matrix_like M>
[[nodiscard]] pluq_result<detail::result_t<M>> pluq(const M& a, unsigned threads = 1) {
  auto f = sutro::gf2::ple(a, threads);
  const std::size_t n = a.cols();
  std::vector<std::size_t> cols;
  cols.reserve(n);
  cols.insert(cols.end(), f.pivots.begin(), f.pivots.end());
  std::vector<bool> is_pivot(n, false);
  for (std::size_t p : f.pivots) is_pivot[p] = true;
  for (std::size_t j = 0; j < n; ++j)
    if (!is_pivot[j]) cols.push_back(j);
  // Pivots in the first columns, in order (any matrix of full column rank):
  // Q is the identity, and E is U as it stands.
  bool identity = true;
  for (std::size_t j = 0; j < n && identity; ++j) identity = cols[j] == j;
  auto u = identity ? std::move(f.e) : sutro::gf2::permute_columns(std::move(f.e), cols);
  return {std::move(f.perm), std::move(cols), std::move(f.l), std::move(u), f.rank};
}

/// A basis of {x : A x = 0} as the columns of an n x (n - rank) matrix, from
/// A's PLUQ: x = Q [U1^-1 U2; I] with U = [U1 U2], U1 the first rank columns.
template <class M>
[[nodiscard]] M right_kernel(const pluq_result<M>& f, unsigned threads = 1) {
  const std::size_t r = f.rank, n = f.u.cols();
  const M u1 = detail::columns(f.u, r, 0, r), u2 = detail::columns(f.u, r, r, n);
  const M y = sutro::gf2::solve_upper_triangular(u1, u2, threads);
  M k(n, n - r, f.u.get_allocator());
  for (std::size_t j = 0; j < r; ++j) std::copy_n(y.row_ptr(j), y.words_used(), k.row_ptr(f.col_perm[j]));
  for (std::size_t j = r; j < n; ++j) k.set_unchecked(f.col_perm[j], j - r, true);
  return k;
}

/// A basis of {y : y A = 0} as the rows of an (m - rank) x m matrix, from A's
/// PLUQ: y = [L2 L1^-1 | I] P with L = [L1; L2], L1 the first rank rows.
template <class M>
[[nodiscard]] M left_kernel(const pluq_result<M>& f, unsigned threads = 1) {
  const std::size_t r = f.rank, m = f.l.rows();
  // X L1 = L2 is L1^T X^T = L2^T: an upper triangular solve. Every
  // intermediate is counted with L (a window's transpose would not be).
  const detail::scratch_scope scope(detail::counter_of(f.l.get_allocator()));
  M l1t(r, r, f.l.get_allocator()), l2t(r, m - r, f.l.get_allocator());
  kernels::transpose(typename M::backend_type{}, l1t.block(), f.l.window(row_range{0, r}, col_range{0, r}).block());
  kernels::transpose(typename M::backend_type{}, l2t.block(), f.l.window(row_range{r, m}, col_range{0, r}).block());
  const auto xt = sutro::gf2::solve_upper_triangular(l1t, l2t, threads);  // r x (m - r)
  M zt(m, m - r, f.l.get_allocator());                                    // the basis as columns, in A's row order
  for (std::size_t k = 0; k < r; ++k) std::copy_n(xt.row_ptr(k), xt.words_used(), zt.row_ptr(f.row_perm[k]));
  for (std::size_t k = r; k < m; ++k) zt.set_unchecked(f.row_perm[k], k - r, true);
  return sutro::gf2::transpose(zt);
}

/// right_kernel(pluq(a)): columns spanning {x : A x = 0}.
template <matrix_like M>
[[nodiscard]] detail::result_t<M> right_kernel(const M& a, unsigned threads = 1) {
  return sutro::gf2::right_kernel(sutro::gf2::pluq(a, threads), threads);
}
/// left_kernel(pluq(a)): rows spanning {y : y A = 0}.
template <matrix_like M>
[[nodiscard]] detail::result_t<M> left_kernel(const M& a, unsigned threads = 1) {
  return sutro::gf2::left_kernel(sutro::gf2::pluq(a, threads), threads);
}

}  // namespace sutro::gf2
