#pragma once
// Gaussian elimination over GF(2): rank, row echelon form, reduced row echelon
// form (with pivot columns) and the PLE decomposition.
//
//   auto a = sutro::gf2::matrix<>::random(100, 120, 1);
//   std::size_t r = sutro::gf2::rank(a);
//   auto [e, info] = sutro::gf2::reduced_row_echelon(a);  // info.pivots[k]: pivot column of row k
//   sutro::gf2::echelonize(a, /*reduced=*/true);            // in place, returns the same info
//   auto f = sutro::gf2::ple(a);   // sutro::gf2::permute_rows(a, f.perm) == f.l * f.e
//
// The backend tag of the matrix picks the kernel: scalar is the reference
// (one pivot at a time); simd eliminates 64 pivots per pass with Four-Russians
// tables (M4RI's method). Both return identical matrices: the echelon forms
// here are unique given the pivot rule (first nonzero column, then first row).
// ple() records the factors during the same eliminations (simd: M4RI-style,
// so PLE costs about what echelonize does plus the m x m bits of L).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/backend/cpu.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/echelon.hpp"
#include "sutro/gf2/transpose.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/gf2/simd/kernels.hpp"
#endif

namespace sutro::gf2 {

/// Eliminates in place (a matrix or a writable window). With reduced = true the
/// result is the reduced row echelon form, else a row echelon form.
/// `threads` > 1 shares the work among that many threads: the Four Russians
/// passes by rows, the recursion's products and solves by columns (0: one per
/// core, cpu::worker_threads).
template <class Backend, class Alloc>
echelon_info echelonize(matrix<Backend, Alloc>& a, bool reduced = true, unsigned threads = 1) {
  const detail::scratch_scope scope(detail::scratch_counter_for(a));
  return kernels::echelonize(Backend{}, a.block(), reduced, a.cols(), cpu::worker_threads(threads));
}
template <class Backend>
echelon_info echelonize(const matrix_view<Backend>& a, bool reduced = true, unsigned threads = 1) {
  return kernels::echelonize(Backend{}, a.block(), reduced, a.cols(), cpu::worker_threads(threads));
}

template <class M>
struct echelon_result {
  M form;
  echelon_info info;
};

template <matrix_like M>
[[nodiscard]] echelon_result<detail::result_t<M>> row_echelon(const M& a) {
  auto form = sutro::gf2::copy_of(a);
  auto info = sutro::gf2::echelonize(form, false);
  return {std::move(form), std::move(info)};
}

template <matrix_like M>
[[nodiscard]] echelon_result<detail::result_t<M>> reduced_row_echelon(const M& a) {
  auto form = sutro::gf2::copy_of(a);
  auto info = sutro::gf2::echelonize(form, true);
  return {std::move(form), std::move(info)};
}

template <matrix_like M>
[[nodiscard]] std::size_t rank(const M& a, unsigned threads = 1) {
  auto form = sutro::gf2::copy_of(a);
  return sutro::gf2::echelonize(form, false, threads).rank;
}

/// P A = L E: perm[i] is the row of A that becomes row i of P A; l is m x r,
/// unit lower trapezoidal; e is r x n in row echelon form with pivot columns
/// `pivots` (not reduced); r is the rank.
template <class M>
struct ple_result {
  std::vector<std::size_t> perm;
  M l, e;
  std::vector<std::size_t> pivots;
  std::size_t rank = 0;
};

template <matrix_like M>
[[nodiscard]] ple_result<detail::result_t<M>> ple(const M& a, unsigned threads = 1) {
  auto work = sutro::gf2::copy_of(a);
  const std::size_t m = a.rows();
  auto lfull = detail::make_result(a, m, m);
  ple_result<detail::result_t<M>> out{{}, detail::make_result(a, 0, 0), detail::make_result(a, 0, 0), {}, 0};
  out.perm.resize(m);
  for (std::size_t i = 0; i < m; ++i) out.perm[i] = i;
  kernels::ple_sink sink{lfull.block(), out.perm.data()};
  const detail::scratch_scope scope(detail::scratch_counter_for(work));
  echelon_info info =
      kernels::ple(typename detail::result_t<M>::backend_type{}, work.block(), sink, cpu::worker_threads(threads));
  const std::size_t r = info.rank;
  out.rank = r;
  out.pivots = std::move(info.pivots);
  // lfull has nothing right of column r: copying its first words trims it to m x r.
  auto l = detail::make_result(a, m, r);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t w2 = 0; w2 < l.words_used(); ++w2) l.row_ptr(i)[w2] = lfull.row_ptr(i)[w2];
  out.l = std::move(l);
  // e as a's own type (allocator and counter): copy_of on a window of work
  // would give the default allocator's matrix.
  auto e = detail::make_result(a, r, a.cols());
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t w2 = 0; w2 < e.words_used(); ++w2) e.row_ptr(i)[w2] = work.row_ptr(i)[w2];
  out.e = std::move(e);
  return out;
}

/// Rows of a reordered: row i of the result is row perm[i] of a.
template <matrix_like M>
[[nodiscard]] detail::result_t<M> permute_rows(const M& a, const std::vector<std::size_t>& perm) {
  if (perm.size() != a.rows())
    throw std::invalid_argument("sutro::gf2::permute_rows: " + std::to_string(perm.size()) + " indices for a " +
                                detail::shape(a.rows(), a.cols()) + " matrix");
  auto out = detail::make_result(a, a.rows(), a.cols());
  const detail::cblock b = a.block();
  for (std::size_t i = 0; i < perm.size(); ++i) {
    if (perm[i] >= a.rows())
      throw std::out_of_range("sutro::gf2::permute_rows: index " + std::to_string(perm[i]) + " of a " +
                              detail::shape(a.rows(), a.cols()) + " matrix");
    for (std::size_t w = 0; w < b.words(); ++w) out.row_ptr(i)[w] = b.row(perm[i])[w];
  }
  return out;
}

namespace detail {
template <class M>
void check_column_perm(const M& a, const std::vector<std::size_t>& perm) {
  if (perm.size() != a.cols())
    throw std::invalid_argument("sutro::gf2::permute_columns: " + std::to_string(perm.size()) + " indices for a " +
                                shape(a.rows(), a.cols()) + " matrix");
  for (std::size_t j : perm)
    if (j >= a.cols())
      throw std::out_of_range("sutro::gf2::permute_columns: column index " + std::to_string(j) + " of a " +
                              shape(a.rows(), a.cols()) + " matrix");
}
}  // namespace detail

/// Columns of a reordered: column j of the result is column perm[j] of a.
template <matrix_like M>
[[nodiscard]] detail::result_t<M> permute_columns(const M& a, const std::vector<std::size_t>& perm) {
  detail::check_column_perm(a, perm);
  // Rows of the transpose move as whole words.
  const auto t = sutro::gf2::transpose(a);
  return sutro::gf2::transpose(sutro::gf2::permute_rows(t, perm));
}
/// As above, for a matrix given up (std::move(a)): it is freed once
/// transposed, so one matrix of its size fewer is alive at the peak.
template <class Backend, class Alloc>
[[nodiscard]] matrix<Backend, Alloc> permute_columns(matrix<Backend, Alloc>&& a, const std::vector<std::size_t>& perm) {
  detail::check_column_perm(a, perm);
  auto t = sutro::gf2::transpose(a);
  a = matrix<Backend, Alloc>(a.get_allocator());
  t = sutro::gf2::permute_rows(t, perm);
  return sutro::gf2::transpose(t);
}

}  // namespace sutro::gf2
