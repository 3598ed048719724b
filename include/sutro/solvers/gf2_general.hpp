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

#include <cstddef>
#include <string_view>

#include "sutro/gf2/solve.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/gf2_form.hpp"

namespace sutro::solvers {

class gf2_general {
 public:
  [[nodiscard]] std::string_view name() const noexcept { return "gf2_general"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const {
    constexpr const char* who = "sutro::solvers::gf2_general";
    detail::require_parity(d, who);
    if (d.spec.noise > 0) return detail::noise_free_only(d, who);
    const auto sys = tasks::to_gf2(d);
    const auto s = gf2::solve(sys.x, sys.y);
    solve_result res;
    res.stats.samples_used = d.count;
    res.stats.candidates = 1;
    res.stats.rank = d.spec.n - s.nullspace.cols();
    if (!s.consistent) {
      res.reason = "the system [A | y] is inconsistent: the labels are not a parity of the inputs";
      return res;
    }
    if (s.nullspace.cols() != 0) {
      res.status = solve_status::ambiguous;
    } else {
      for (std::size_t j = 0; j < d.spec.n; ++j)
        if (s.solution.get_unchecked(j)) res.subset.push_back(static_cast<std::uint32_t>(j));
      res.status = solve_status::found;
    }
    detail::explain_exact(d, res);
    return res;
  }
};

} // namespace sutro::solvers
