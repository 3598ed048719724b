// The passive solver for majority, threshold and AND: hand-computed
// disagreement rates behind its certificate, and no wrong `found`.
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "support/catch.hpp"
#include "sutro/solvers/correlation.hpp"

using namespace sutro;
using tasks::task_kind;

TEST_CASE("correlation: disagreement of two k-subsets sharing j bits, by hand", "[tasks][correlation]") {
  const tasks::task_spec vote{task_kind::majority, 20, 3}, conj{task_kind::and_, 20, 3};
  // Majority of 3, j = 2: the shared pair splits (1/2) and the own bits differ (1/2).
  CHECK(solvers::detail::overlap_disagreement(vote, 2) == Approx(0.25));
  // j = 1: a side's own pair agrees (1/2, label = that value) or splits (label = the shared bit):
  // one agrees and one splits, 1/2 x 1/2; both agree, 1/4 x 1/2.
  CHECK(solvers::detail::overlap_disagreement(vote, 1) == Approx(0.375));
  CHECK(solvers::detail::overlap_disagreement(vote, 0) == Approx(0.5));
  // AND of 3: j = 2: shared both on (1/4), own bits differ (1/2); j = 0: 2 (1/8)(7/8).
  CHECK(solvers::detail::overlap_disagreement(conj, 2) == Approx(0.125));
  CHECK(solvers::detail::overlap_disagreement(conj, 1) == Approx(0.5 * 2 * 0.25 * 0.75));
  CHECK(solvers::detail::overlap_disagreement(conj, 0) == Approx(2.0 / 8 * 7 / 8));
  // Default threshold (t = k - 1) is AND in both encodings.
  for (std::size_t j = 0; j < 3; ++j)
    CHECK(solvers::detail::overlap_disagreement(tasks::task_spec{task_kind::threshold, 20, 3}, j) ==
          Approx(solvers::detail::overlap_disagreement(conj, j)));
}

TEST_CASE("correlation: finds majority, threshold and AND in both encodings, never a wrong subset",
          "[tasks][correlation]") {
  for (auto kind : {task_kind::majority, task_kind::threshold, task_kind::and_})
    for (auto enc : {tasks::encoding::plus_minus_one, tasks::encoding::zero_one})
      for (double p : {0.0, 0.1}) {
        int found = 0;
        for (std::uint64_t seed = 0; seed < 40; ++seed) {
          const auto task = tasks::make_task(kind, 20, 3, seed, {.noise = p, .enc = enc});
          const auto r = solvers::correlation{}.solve(task.packed(tasks::split::train, 1000));
          INFO(tasks::to_string(kind) << " " << tasks::to_string(enc) << " p=" << p << ": " << r.reason);
          if (r.status == solvers::solve_status::found) {
            REQUIRE(r.subset == task.secret());
            ++found;
          }
        }
        INFO(tasks::to_string(kind) << " " << tasks::to_string(enc) << " p=" << p);
        CHECK(found >= 36);
      }
}

TEST_CASE("correlation: too few rows or a near-constant rule is ambiguous, not a guess", "[tasks][correlation]") {
  auto r = solvers::correlation{}.solve(tasks::sparse_majority(20, 3, 1).packed(tasks::split::train, 20));
  CHECK(r.status == solvers::solve_status::ambiguous);
  CHECK(r.subset.empty());
  // t = -k labels every row +1: no subset can be told apart.
  r = solvers::correlation{}.solve(
      tasks::sparse_threshold(20, 3, 1, {.threshold = -3}).packed(tasks::split::train, 5000));
  CHECK(r.status == solvers::solve_status::ambiguous);
}

TEST_CASE("correlation: input checked", "[tasks][correlation]") {
  CHECK_THROWS_AS(solvers::correlation{}.solve(tasks::sparse_parity(20, 3, 1).packed(tasks::split::train, 50)),
                  std::invalid_argument);
  auto d = tasks::sparse_majority(20, 3, 1).packed(tasks::split::train, 50);
  d.labels[3] = 0;  // not a +-1 label
  CHECK_THROWS_AS(solvers::correlation{}.solve(d), std::invalid_argument);
  d = tasks::sparse_majority(70, 3, 1).packed(tasks::split::train, 50);
  d.words[1] |= std::uint64_t{1} << 63;  // bit past n
  CHECK_THROWS_AS(solvers::correlation{}.solve(d), std::invalid_argument);
  d.count = 60;  // more rows than stored
  CHECK_THROWS_AS(solvers::correlation{}.solve(d), std::invalid_argument);
}
