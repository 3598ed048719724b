#pragma once
// Noiseless parity through the general sutro::gf2 path: the whole sample set
// as a gf2::matrix, one gf2::solve (reduced echelon form of [A | y]). Slower
// than gf2_elimination's word fast paths for small n, but it scales with the
// gf2 layer's kernels (M4RI-style elimination, SIMD) for large n and m.
//
//   auto r = sutro::solvers::gf2_general{}.solve(train);   // same answers as gf2_elimination
//
// Same guarantee as gf2_elimination: noise-free specs only, `found` is the
// unique solution, of weight spec.k, consistent with every row.
//
// Recorded (memory::recording_access): the dispatched kernels of gf2::solve
// take no memory policy, so the recorded solve runs the same elimination with
// gf2's scalar kernel on a gf2::recorded_matrix (every word it reads and
// writes recorded) and reads the answer off that reduced echelon form; the
// samples are read through the policy while [A | y] is built:
//
//   sutro::memory::trace t;
//   auto same = sutro::solvers::gf2_general{}.solve(train, sutro::memory::recording_access{&t});

#include <cstddef>
#include <string_view>

#include "sutro/gf2/recorded.hpp"
#include "sutro/gf2/solve.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/gf2_form.hpp"

namespace sutro::solvers {

class gf2_general {
 public:
  [[nodiscard]] std::string_view name() const noexcept { return "gf2_general"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const { return solve(d, memory::raw_access{}); }
  /// raw_access: gf2::solve. recording_access{&trace}: the scalar-kernel
  /// elimination of the same [A | y], recorded (see above); the same result.
  template <class Memory>
  [[nodiscard]] solve_result solve(const tasks::packed_samples& d, Memory mem) const {
    constexpr const char* who = "sutro::solvers::gf2_general";
    detail::require_parity(d, who);
    if (d.spec.noise > 0) return detail::noise_free_only(d, who);
    solve_result res;
    res.stats.samples_used = d.count;
    res.stats.candidates = 1;
    if constexpr (memory::records_v<Memory>) {
      recorded_solve(d, mem, res);
    } else {
      const auto sys = tasks::to_gf2(d);
      const auto s = gf2::solve(sys.x, sys.y);
      res.stats.rank = d.spec.n - s.nullspace.cols();
      if (s.consistent && s.nullspace.cols() == 0) {
        for (std::size_t j = 0; j < d.spec.n; ++j)
          if (s.solution.get_unchecked(j)) res.subset.push_back(static_cast<std::uint32_t>(j));
      }
      res.status = !s.consistent             ? solve_status::failed
                   : s.nullspace.cols() != 0 ? solve_status::ambiguous
                                             : solve_status::found;
    }
    if (res.status == solve_status::failed) {
      res.reason = "the system [A | y] is inconsistent: the labels are not a parity of the inputs";
      return res;
    }
    detail::explain_exact(d, res, d.count);
    return res;
  }

 private:
  /// [A | y] built from samples read through mem, reduced by gf2's scalar
  /// kernel on a recorded matrix; the answer read off its pivots (traced reads).
  template <class Memory>
  static void recorded_solve(const tasks::packed_samples& d, Memory mem, solve_result& res) {
    const std::size_t n = d.spec.n;
    gf2::matrix<scalar> aug(d.count, n + 1);
    const auto labels = mem(d.labels.data());
    for (std::size_t i = 0; i < d.count; ++i) {
      const auto r = mem(d.row(i));
      auto dst = aug.row_words(i);
      for (std::size_t w = 0; w < d.row_words; ++w) dst[w] = r[w];
      aug.set(i, n, detail::label_bit_value(d, labels[i]) != 0);
    }
    auto a = gf2::recorded(std::move(aug), *mem.sink);
    const auto info = gf2::echelonize(a, true);
    const bool consistent = info.rank == 0 || info.pivots[info.rank - 1] < n;  // no pivot in y's column
    res.stats.rank = consistent ? info.rank : info.rank - 1;
    if (!consistent) return;
    if (info.rank < n) {
      res.status = solve_status::ambiguous;
      return;
    }
    for (std::size_t t = 0; t < n; ++t)  // pivot t is column t: x_t is row t's y bit
      if (a.get(t, n)) res.subset.push_back(static_cast<std::uint32_t>(t));
    res.status = solve_status::found;
  }
};

}  // namespace sutro::solvers
