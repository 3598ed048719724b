#pragma once
// The tasks of their kinds that exact solvers decline (from_solver attaches
// them as lab::method::declines), decided from the task definition alone, so
// that the lab reports "does not apply" instead of timing and scoring the
// solver's refusal. Each rule is the solver's own: a solver given such a task
// returns `failed` without solving (tests/lab check that they agree).

#include <optional>
#include <string>

#include "sutro/lab/method.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::lab {
namespace detail {
// GF(2) elimination takes every label as an exact equation: one flipped label
// makes the system inconsistent or moves its unique solution.
[[nodiscard]] inline std::optional<std::string> noise_free_scope(const tasks::task_spec& spec) {
  if (!(spec.noise > 0)) return std::nullopt;
  return "noise-free (every label an exact GF(2) equation) and spec.noise = " +
         solvers::detail::format_double(spec.noise) + " (noisy_parity, exhaustive or robust_gf2 take noise)";
}
}  // namespace detail

template <>
struct solver_scope<solvers::gf2_elimination> {
  static constexpr bool available = true;
  [[nodiscard]] static std::optional<std::string> declines(const solvers::gf2_elimination&,
                                                           const tasks::task_spec& spec) {
    return detail::noise_free_scope(spec);
  }
};

template <>
struct solver_scope<solvers::gf2_general> {
  static constexpr bool available = true;
  [[nodiscard]] static std::optional<std::string> declines(const solvers::gf2_general&, const tasks::task_spec& spec) {
    return detail::noise_free_scope(spec);
  }
};

template <>
struct solver_scope<solvers::bucket_search> {
  static constexpr bool available = true;
  // Its own plan, on one row: no key width only when the table of
  // C(n, k / 2) half-subsets would not fit, whatever the sample count.
  [[nodiscard]] static std::optional<std::string> declines(const solvers::bucket_search& s,
                                                           const tasks::task_spec& spec) {
    if (solvers::plan_bucket_search(spec.n, spec.k, 1, spec.noise, s.options()).key_bits != 0) return std::nullopt;
    return "C(n, k / 2) = C(" + std::to_string(spec.n) + ", " + std::to_string(spec.k / 2) +
           ") half-subsets are too many for its table (noisy_parity or robust_gf2 take this size)";
  }
};

}  // namespace sutro::lab
