#pragma once
// The lab's traced runs for exact solvers (from_solver attaches them). Each
// is the solver's own solve instantiated with memory::recording_access: the
// loops that run when the solver is timed, every array access recorded.
// gf2_general's timed path is gf2::solve on the dispatched kernels, which
// take no policy: its recorded solve is gf2's scalar kernel doing the same
// elimination (solvers/gf2_general.hpp), and its footer says so.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

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
///
/// Out of memory while recording: said as the trace's doing (the event list
/// kept for ByteDMD-tr grows with every access), not as a bad_alloc, which
/// a caller would take for the samples not fitting.
template <class S>
struct recorded_solve_trace {
  static constexpr bool available = true;
  static recorded_report run(const S& s, const problem& p) {
    std::uint64_t recorded = 0;
    try {
      auto t = lab_trace(memory::granularity::word, true, p.max_trace_bytes);
      try {
        (void)s.solve(p.train, memory::recording_access{&t});
        return measure(t, solver_trace<S>::what, 8);
      } catch (const memory::trace_limit_error&) {
        throw std::runtime_error(detail::trace_limit_message("sutro::lab::solver_trace::run", s.name(), p.spec.n,
                                                             p.spec.k, p.train.count, p.max_trace_bytes));
      } catch (const std::bad_alloc&) {
        recorded = t.reads() + t.writes();
        throw;
      }
    } catch (const std::bad_alloc&) {  // the trace is gone here: the message has room
      throw std::runtime_error("sutro::lab::solver_trace::run: out of memory recording " + std::string(s.name()) +
                               "'s traced run on (n, k) = (" + std::to_string(p.spec.n) + ", " +
                               std::to_string(p.spec.k) + ") with " + std::to_string(p.train.count) +
                               " train rows, after " + std::to_string(recorded) +
                               " recorded accesses, each kept as an event for ByteDMD-tr: the trace ran out, not the "
                               "samples; choose a smaller n or k, or leave " +
                               std::string(s.name()) + " out");
    }
  }
};

// C(n, k), saturating at the largest std::uint64_t.
[[nodiscard]] inline std::uint64_t choose_saturating(std::uint64_t n, std::uint64_t k) {
  if (k > n) return 0;
  k = std::min(k, n - k);
  std::uint64_t c = 1;
  for (std::uint64_t i = 0; i < k; ++i) {
    // c * (n - i) / (i + 1) = C(n, i + 1), an integer at every step.
    std::uint64_t next = 0;
    if (__builtin_mul_overflow(c, n - i, &next)) return ~std::uint64_t{0};
    c = next / (i + 1);
  }
  return c;
}

[[nodiscard]] inline std::uint64_t add_saturating(std::uint64_t a, std::uint64_t b) {
  return a > ~std::uint64_t{0} - b ? ~std::uint64_t{0} : a + b;
}
[[nodiscard]] inline std::uint64_t mul_saturating(std::uint64_t a, std::uint64_t b) {
  std::uint64_t r = 0;
  return __builtin_mul_overflow(a, b, &r) ? ~std::uint64_t{0} : r;
}

/// The accesses exhaustive's recorded search makes on n bits, subsets of
/// size k and m rows (w = ceil(m / 64) words a column), counted from its
/// loops: every subset reads one word of its prefix and of its last column
/// (a noise-free popcount stops at the first nonzero word; a noisy one reads
/// further, so this is a lower bound there), and every prefix of length L
/// (C(n - k + L, L) of them) reads w prefix and w column words, writes w
/// prefix words and one index word. Building the columns (about m n
/// accesses) is left out: it does not grow with the subsets.
[[nodiscard]] inline std::uint64_t exhaustive_search_accesses(std::uint64_t n, std::uint64_t k, std::uint64_t m) {
  const std::uint64_t w = (m + 63) / 64;
  std::uint64_t a = mul_saturating(2, choose_saturating(n, k));
  for (std::uint64_t len = 1; len < k; ++len)
    a = add_saturating(a, mul_saturating(choose_saturating(n - k + len, len), add_saturating(mul_saturating(3, w), 1)));
  return a;
}
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
  /// Its trace grows with the C(n, k) subsets it searches, not with the data
  /// (detail::exhaustive_search_accesses): the whole search, also under
  /// stop_at_first, which ends early only on noise-free rows and then at the
  /// secret's place, anywhere. A search over max_cost is refused before it
  /// records anything: nothing to estimate, 0.
  [[nodiscard]] static trace_estimate estimate(const solvers::exhaustive& s, const tasks::task_spec& spec,
                                               std::size_t train) {
    const std::size_t m = s.options().max_samples ? std::min(train, s.options().max_samples) : train;
    const double cost = solvers::exhaustive_cost(spec.n, spec.k, m, spec.noise == 0.0);
    if (!(std::isfinite(cost) && cost <= s.options().max_cost)) return {};
    trace_estimate e;
    e.accesses = detail::exhaustive_search_accesses(spec.n, spec.k, m);
    e.bytes = detail::mul_saturating(e.accesses, trace_bytes_per_access);
    e.source = "the search over C(" + std::to_string(spec.n) + ", " + std::to_string(spec.k) +
               ") = " + solvers::detail::format_double(double(detail::choose_saturating(spec.n, spec.k))) +
               " subsets with " + std::to_string(m) + " rows";
    return e;
  }
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
