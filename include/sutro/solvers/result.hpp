#pragma once
// What every exact solver returns, and the concept a solver satisfies.
//
//   sutro::solvers::gf2_elimination solver;
//   sutro::solvers::solve_result r = solver.solve(train);   // train: tasks::packed_samples
//   if (r.status == sutro::solvers::solve_status::found) use(r.subset);   // sorted indices
//
// `found` is a certified answer: exactly spec.k indices that pass a test whose
// false-positive rate is bounded over every candidate the solver could have
// named (certificate.hpp; docs/tasks.md lists each solver's bound).
// `ambiguous` means the data admit more than one answer (too few samples):
// the solver does not guess. `failed` means no answer passes the test (noise
// beyond what the samples allow, wrong task, or a solver that does not apply).
// `reason` says which, in words.

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sutro/tasks/samples.hpp"

namespace sutro::solvers {

enum class solve_status { found, ambiguous, failed };

[[nodiscard]] inline const char* to_string(solve_status s) noexcept {
  return s == solve_status::found ? "found" : s == solve_status::ambiguous ? "ambiguous" : "failed";
}

struct solve_stats {
  std::size_t samples_used = 0;   ///< rows the answer rests on (e.g. rows until full rank)
  std::size_t rank = 0;           ///< GF(2) rank reached, where it applies
  std::uint64_t candidates = 0;   ///< subsets / trial systems examined
  std::size_t disagreements = 0;  ///< training rows the answer mislabels
};

struct solve_result {
  std::vector<std::uint32_t> subset;  ///< sorted; empty unless found
  solve_status status = solve_status::failed;
  solve_stats stats{};
  std::string reason;  ///< why this status: the certificate, or what was missing
};

/// A solver maps packed training samples to a result. k (part of the task's
/// public definition) is read from samples.spec.k by the solvers that use it.
template <class S>
concept solver = requires(const S& s, const tasks::packed_samples& d) {
  { s.solve(d) } -> std::same_as<solve_result>;
  { s.name() } -> std::convertible_to<std::string_view>;
};

namespace detail {
inline std::vector<std::uint32_t> mask_to_subset(const std::uint64_t* mask, std::size_t words) {
  std::vector<std::uint32_t> out;
  for (std::size_t w = 0; w < words; ++w)
    for (std::uint64_t m = mask[w]; m; m &= m - 1)
      out.push_back(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(m))));
  return out;
}
}  // namespace detail

}  // namespace sutro::solvers
