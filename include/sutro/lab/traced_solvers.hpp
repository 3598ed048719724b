#pragma once
// The lab's traced runs for exact solvers (from_solver attaches them). Each
// says which trace it is: the library's own GF(2) kernels on traced matrices
// (gf2::traced_matrix, scalar kernel, 8-byte words), doing the elimination
// the solver does. Solvers whose own loops are not written against accessors
// (exhaustive, robust_gf2, the sparse-sum solvers) have none here; the table
// says so.

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

#include "sutro/gf2/traced.hpp"
#include "sutro/lab/data_movement.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"

namespace sutro::lab {
namespace detail {
/// [X | y] of rows [0, rows) as a GF(2) matrix (built untraced: it is the input).
inline gf2::matrix<scalar> augmented(const tasks::packed_samples& d, std::size_t rows) {
  const std::size_t n = d.spec.n;
  gf2::matrix<scalar> a(rows, n + 1);
  for (std::size_t i = 0; i < rows; ++i) {
    auto dst = a.row_words(i);
    for (std::size_t w = 0; w < d.row_words; ++w) dst[w] = d.row(i)[w];
    a.set(i, n, d.label_bit(i) != 0);
  }
  return a;
}
} // namespace detail

/// gf2_general solves the whole set through gf2::solve, i.e. one reduced
/// echelon form of [A | y]: traced here with the scalar elimination kernel.
template <>
struct solver_trace<solvers::gf2_general> {
  static constexpr bool available = true;
  static traced_report run(const solvers::gf2_general&, const problem& p) {
    const auto& d = p.train;
    auto t = lab_trace(memory::granularity::word);
    auto a = gf2::traced(detail::augmented(d, d.count), t);
    (void)gf2::echelonize(a, true);
    return measure(t,
                   "gf2_general's elimination: reduced echelon of [A|y] over all m training rows (gf2 scalar "
                   "kernel on gf2::traced_matrix; building [A|y] and reading x off untraced), 8-byte words",
                   8);
  }
};

/// A model of gf2_elimination on the library's kernels: its fast path is a
/// Gauss-Jordan on the first n + 16 rows (stack arrays, not traced), then a
/// check of every other row. Traced: the reduced echelon of those rows'
/// [X | y] with the gf2 scalar kernel, then one read of each word and of the
/// label of every other row.
template <>
struct solver_trace<solvers::gf2_elimination> {
  static constexpr bool available = true;
  static traced_report run(const solvers::gf2_elimination&, const problem& p) {
    const auto& d = p.train;
    const std::size_t rows = std::min(d.count, d.spec.n + 16);
    auto t = lab_trace(memory::granularity::word);
    auto a = gf2::traced(detail::augmented(d, rows), t);
    (void)gf2::echelonize(a, true);
    const auto words = memory::traced_view(d.words.data(), d.words.size(), t);
    const auto labels = memory::traced_view(d.labels.data(), d.labels.size(), t);
    std::uint64_t sink = 0;
    for (std::size_t i = rows; i < d.count; ++i) {
      for (std::size_t w = 0; w < d.row_words; ++w) sink ^= words[i * d.row_words + w];
      sink ^= static_cast<std::uint64_t>(labels[i].get());
    }
    (void)sink;
    return measure(t,
                   "model of gf2_elimination: reduced echelon of [X|y] on its first n+16 rows (gf2 scalar kernel "
                   "on gf2::traced_matrix) + one read per word and label of the other rows, 8-byte words",
                   8);
  }
};

} // namespace sutro::lab
