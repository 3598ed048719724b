#pragma once
// The lab's traced runs for exact solvers (from_solver attaches them). Each
// is the solver's own solve instantiated with memory::recording_access: the
// loops that run when the solver is timed, every array access recorded.
// gf2_general's timed path is gf2::solve on the dispatched kernels, which
// take no policy: its recorded solve is gf2's scalar kernel doing the same
// elimination (solvers/gf2_general.hpp), and its footer says so.

#include "sutro/lab/data_movement.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"

namespace sutro::lab {
namespace detail {
/// The traced run of solver S: S's own solve(train, memory::recording_access)
/// with the method's options, priced in 8-byte words; solver_trace<S>::what
/// names that code in the table's footer.
template <class S>
struct recorded_solve_trace {
  static constexpr bool available = true;
  static recorded_report run(const S& s, const problem& p) {
    auto t = lab_trace(memory::granularity::word);
    (void)s.solve(p.train, memory::recording_access{&t});
    return measure(t, solver_trace<S>::what, 8);
  }
};
}  // namespace detail

template <>
struct solver_trace<solvers::gf2_elimination> : detail::recorded_solve_trace<solvers::gf2_elimination> {
  static constexpr const char* what =
      "gf2_elimination's own solve, recorded: Gauss-Jordan on the first n+16 rows "
      "(or the gf2_basis fallback), then the check of every other row; sample words, "
      "labels and work words; 8-byte words (4-byte labels within their word)";
};

template <>
struct solver_trace<solvers::gf2_general> : detail::recorded_solve_trace<solvers::gf2_general> {
  static constexpr const char* what =
      "gf2_general's own recorded solve: the reduced echelon of [A|y] over all m rows "
      "with gf2's scalar kernel on gf2::recorded_matrix (the timed gf2::solve runs the "
      "dispatched SIMD kernel of the same elimination); sample reads recorded, writes "
      "building [A|y] not; 8-byte words";
};

template <>
struct solver_trace<solvers::exhaustive> : detail::recorded_solve_trace<solvers::exhaustive> {
  static constexpr const char* what =
      "exhaustive's own solve, recorded: building the bit columns from the samples, "
      "then the subset search (prefix XORs, early-exit popcounts, index words); "
      "8-byte words (4-byte labels and indices within their word)";
};

template <>
struct solver_trace<solvers::sum_correlation> : detail::recorded_solve_trace<solvers::sum_correlation> {
  static constexpr const char* what =
      "sum_correlation's own solve, recorded: label sums per input bit, the "
      "correlations, std::stable_sort (its comparisons' reads; its index moves are "
      "not recorded), the check of every row; 8-byte words";
};

template <>
struct solver_trace<solvers::sum_least_squares> : detail::recorded_solve_trace<solvers::sum_least_squares> {
  static constexpr const char* what =
      "sum_least_squares's own solve, recorded: bit columns, Gram matrix from column "
      "popcounts, right-hand side, Cholesky and triangular solves, the check of every "
      "row; 8-byte words";
};

template <>
struct solver_trace<solvers::robust_gf2> : detail::recorded_solve_trace<solvers::robust_gf2> {
  static constexpr const char* what =
      "robust_gf2's own trials and final check over traced handles (sample words, "
      "labels, row order, equation, gf2_basis rows, candidates; the subset read off "
      "untraced); 8-byte words (4-byte labels and row indices within their word)";
};

}  // namespace sutro::lab
